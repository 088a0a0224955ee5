//! Which descriptions a sweep runs and under what crate names: every `*.json`, `*.yaml` and
//! `*.yml` under the directory in path order, narrowed by `--only`, `--shard`, a seeded `--pick`
//! and `--limit`; and the seeded sampler that also picks the crates to lint.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// One description found under the corpus directory.
#[derive(Debug, Clone)]
pub struct Spec {
    pub path: PathBuf,
    /// The path below the corpus directory, with `/` separators: what reports show.
    pub rel: String,
    /// The crate's package name and output directory, unique in the whole corpus.
    pub slug: String,
    pub bytes: u64,
}

/// Every description under `dir`, sorted by relative path, named over the whole directory so
/// that a spec keeps its crate name in any slice of the corpus.
pub fn find_specs(dir: &Path) -> Result<Vec<Spec>> {
    let mut found = Vec::new();
    walk(dir, dir, &mut found)?;
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut taken = std::collections::BTreeSet::new();
    Ok(found
        .into_iter()
        .map(|(rel, path, bytes)| {
            let base = crate_slug(&rel);
            let mut slug = base.clone();
            let mut n = 2;
            while !taken.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            Spec {
                path,
                rel,
                slug,
                bytes,
            }
        })
        .collect())
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, PathBuf, u64)>) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let path = entry.path();
        let meta = fs::metadata(&path).with_context(|| format!("reading {}", path.display()))?;
        if meta.is_dir() {
            walk(root, &path, found)?;
        } else if is_description(&path) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            found.push((rel, path, meta.len()));
        }
    }
    Ok(())
}

fn is_description(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("json" | "yaml" | "yml")
    )
}

/// A package name from a relative path: lowercase letters, digits, `_` and `-` (every other run
/// of characters becomes one `-`), starting with a letter, and never a name Cargo reserves.
pub fn crate_slug(rel: &str) -> String {
    let stem = rel.rsplit_once('.').map_or(rel, |(stem, _extension)| stem);
    let mut slug = String::with_capacity(stem.len());
    for c in stem.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    const RESERVED: &[&str] = &["test", "core", "std", "alloc", "proc_macro", "proc-macro"];
    if !slug.starts_with(|c: char| c.is_ascii_alphabetic()) || RESERVED.contains(&slug) {
        format!("api-{slug}").trim_end_matches('-').to_owned()
    } else {
        slug.to_owned()
    }
}

/// `--shard I/N`: the I-th of N interleaved slices (1-based), so each holds small and large specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        let Some((index, count)) = text.split_once('/') else {
            bail!("expected I/N, such as 1/4");
        };
        let index: usize = index.trim().parse().context("the shard index")?;
        let count: usize = count.trim().parse().context("the shard count")?;
        if count == 0 || index == 0 || index > count {
            bail!("expected 1 <= I <= N in I/N");
        }
        Ok(Shard { index, count })
    }
}

/// What `--only`, `--shard`, `--pick` and `--limit` leave, in that order, still in path order.
pub fn narrow(
    specs: Vec<Spec>,
    only: Option<&regex::Regex>,
    shard: Option<Shard>,
    pick: Option<(usize, u64)>,
    limit: Option<usize>,
) -> Vec<Spec> {
    let mut specs: Vec<Spec> = specs
        .into_iter()
        .filter(|s| only.is_none_or(|re| re.is_match(&s.rel)))
        .collect();
    if let Some(shard) = shard {
        specs = specs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % shard.count == shard.index - 1)
            .map(|(_, s)| s)
            .collect();
    }
    if let Some((count, seed)) = pick {
        let keep = sample_indices(specs.len(), count, seed, PICK_STREAM);
        specs = keep.into_iter().map(|i| specs[i].clone()).collect();
    }
    if let Some(limit) = limit {
        specs.truncate(limit);
    }
    specs
}

/// Seed streams: `--pick` and `--sample` draw from different sequences of the same `--seed`.
pub const PICK_STREAM: u64 = 0x7069_636b;
pub const SAMPLE_STREAM: u64 = 0x6c69_6e74;

/// `count` distinct indices of `0..len` (all of them if `count >= len`), in increasing order,
/// from a partial Fisher-Yates shuffle driven by splitmix64: the same seed gives the same
/// choice on every machine and Rust version, which no `HashMap` or `rand` default promises.
pub fn sample_indices(len: usize, count: usize, seed: u64, stream: u64) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..len).collect();
    let count = count.min(len);
    let mut rng = SplitMix64(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    for i in 0..count {
        let j = i + rng.below((len - i) as u64) as usize;
        indices.swap(i, j);
    }
    indices.truncate(count);
    indices.sort_unstable();
    indices
}

/// Steele, Lea and Flood's splitmix64: a tiny, well-mixed generator for reproducible choices.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (Lemire's multiply-shift; the bias is below 2^-40 for any corpus).
    fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(bound)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // The first outputs for seed 0 in the reference implementation (Vigna's splitmix64.c).
        let mut rng = SplitMix64(0);
        assert_eq!(rng.next(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn sampling_is_deterministic_sorted_and_distinct() {
        let a = sample_indices(2639, 300, 1, PICK_STREAM);
        assert_eq!(a, sample_indices(2639, 300, 1, PICK_STREAM));
        assert_eq!(a.len(), 300);
        assert!(a.windows(2).all(|w| w[0] < w[1]), "sorted and distinct");
        assert!(a.iter().all(|&i| i < 2639));
        assert_ne!(
            a,
            sample_indices(2639, 300, 2, PICK_STREAM),
            "the seed matters"
        );
        assert_ne!(
            a,
            sample_indices(2639, 300, 1, SAMPLE_STREAM),
            "streams differ"
        );
        assert_eq!(sample_indices(5, 10, 7, PICK_STREAM), vec![0, 1, 2, 3, 4]);
        assert!(sample_indices(0, 3, 7, PICK_STREAM).is_empty());
    }

    #[test]
    fn slugs_are_package_names() {
        let cases = [
            ("1forge.com.json", "api-1forge-com"),
            (
                "adobe.com/aem/3.5.0-pre.0/openapi.yaml",
                "adobe-com-aem-3-5-0-pre-0-openapi",
            ),
            (
                "googleapis.com/admin/directory_v1/openapi.json",
                "googleapis-com-admin-directory_v1-openapi",
            ),
            ("Test.yml", "api-test"),
            ("_x.json", "api-_x"),
        ];
        for (rel, slug) in cases {
            assert_eq!(crate_slug(rel), slug);
            assert!(openapi_gen_cli::check_crate_name(slug).is_ok());
        }
    }

    #[test]
    fn narrowing_keeps_path_order() {
        let specs: Vec<Spec> = (0..10)
            .map(|i| Spec {
                path: PathBuf::from(format!("{i}.json")),
                rel: format!("{i}.json"),
                slug: format!("s{i}"),
                bytes: 0,
            })
            .collect();
        let rels = |v: Vec<Spec>| v.into_iter().map(|s| s.rel).collect::<Vec<_>>();
        let shard = "2/3".parse().ok();
        assert_eq!(
            rels(narrow(specs.clone(), None, shard, None, None)),
            ["1.json", "4.json", "7.json"]
        );
        let only = regex::Regex::new("^[0-4]").ok();
        assert_eq!(
            rels(narrow(specs.clone(), only.as_ref(), None, None, Some(2))),
            ["0.json", "1.json"]
        );
        let picked = rels(narrow(specs, None, None, Some((4, 9)), None));
        assert_eq!(picked.len(), 4);
        assert!(picked.windows(2).all(|w| w[0] < w[1]));
    }
}
