//! Bundles external `$ref`s (`other.yaml#/components/schemas/X`) into the root document, so that
//! lowering sees one self-contained document with local references only.
//!
//! Each referenced object is copied into the root's `#/components/<section>/` (in Swagger 2.0, the
//! root-level `#/definitions/`, `#/parameters/` or `#/responses/`) under a name chosen
//! after every reference is known (so the choice does not depend on the order maps are written
//! in), and every reference to it is rewritten. An [`Origin`] remembers where each copy came from,
//! so a diagnostic about copied content still names the file, line and column it was written at.
//! This module never reads files itself: it asks [`super::read_document`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use serde_yaml::{Mapping, Value};

use super::kind::Kind;
use super::{read_document, Version};
use crate::diagnostics::{
    catalog, decode_fragment_segment, escape_segment, Diagnostic, Diagnostics,
};

/// A file taking part in the bundle, parsed once.
pub(crate) struct Document {
    /// How the file is named in messages (the root's label, or a path relative to it).
    pub label: String,
    pub source: String,
    pub value: Value,
}

/// Where a component copied into the root came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Pointer of the copy in the bundled document (`#/components/schemas/Pet`).
    pub bundled: String,
    /// The file it was copied from, as named in messages.
    pub file: String,
    /// The file's text, for locating diagnostics (shared: many origins name one file).
    pub source: Arc<str>,
    /// Pointer of the original inside that file (`#` for a whole-file reference).
    pub pointer: String,
}

/// Deeper documents are refused by the YAML parser already; this bounds the walk on its own.
const MAX_DEPTH: usize = 512;

/// An object in another file that the root document needs a copy of.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Target {
    /// The file's label (unique per file, and stable across machines, unlike its absolute path).
    label: String,
    /// JSON pointer inside the file without the `#` (`""` for the whole file).
    fragment: String,
    section: &'static str,
}

/// What a `$ref` becomes in the bundled document.
enum Resolved {
    /// Already local to the root document: left as written.
    Unchanged,
    /// A reference back into the root file through its file name: becomes `#<fragment>`.
    Root(String),
    /// Copied into `components` (an object in another file, or a local one that is not a
    /// component, such as a subschema or a `$defs` entry): the `$ref` names the copy.
    External(Target),
    /// Put in place of the `$ref` (a path item, an operation, a map of properties: there is no
    /// `components` section to name them from).
    Inline(Target),
    /// A description read from a file, put in place of the `$ref`.
    Text(String),
}

/// One `$ref` found in a walked subtree: where it is (segments relative to the subtree) and what it
/// resolves to.
struct Found {
    segments: Vec<String>,
    resolved: Resolved,
    /// What the referring spot holds.
    kind: Kind,
}

/// One subtree searched for `$ref`s: the whole root document, or one copied target.
struct Walk {
    target: Option<Target>,
    found: Vec<Found>,
}

/// The root document with every external object copied in, and where each copy came from.
pub(crate) struct Bundle {
    pub value: Value,
    pub origins: Vec<Origin>,
    /// Whether anything was copied or rewritten (otherwise the root text can be parsed as is).
    pub changed: bool,
    /// Doubtful but readable references (an operation given by `$ref`), with pointers into the
    /// bundled document.
    pub warnings: Diagnostics,
    /// Every file read (the root, referenced documents and description texts), canonical.
    pub files: Vec<PathBuf>,
}

struct Bundler {
    root_file: PathBuf,
    root_dir: PathBuf,
    root_label_dir: String,
    allow_outside: bool,
    /// Decides the shapes walked and where copies go (see [`copies_parent`]).
    version: Version,
    /// Every file read so far, by label; a file is read and parsed once.
    documents: BTreeMap<String, Document>,
    /// Label -> canonical path of each file read.
    paths: BTreeMap<String, PathBuf>,
    /// Files that could not be read or parsed (reported once).
    broken: BTreeSet<String>,
    /// Description files read as text (documents are in `paths`).
    texts: BTreeSet<PathBuf>,
    /// Diagnostics still to be located, with the label of the file they are about.
    pending: Vec<(String, Diagnostic)>,
    /// Diagnostics already located (syntax errors in referenced files).
    located: Diagnostics,
}

/// Copies every object that `root` reaches through external `$ref`s into it.
pub(crate) fn bundle(
    root_path: &Path,
    root: Document,
    allow_outside: bool,
    version: Version,
) -> Result<Bundle, Diagnostics> {
    let root_file = std::fs::canonicalize(root_path).unwrap_or_else(|_| root_path.to_path_buf());
    let root_dir = root_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let root_label = root.label.clone();
    let root_label_dir = match root_label.rfind('/') {
        Some(cut) => root_label[..cut].to_owned(),
        None => String::new(),
    };
    let mut bundler = Bundler {
        root_file: root_file.clone(),
        root_dir,
        root_label_dir,
        allow_outside,
        version,
        documents: BTreeMap::from([(root_label.clone(), root)]),
        paths: BTreeMap::from([(root_label.clone(), root_file)]),
        broken: BTreeSet::new(),
        texts: BTreeSet::new(),
        pending: Vec::new(),
        located: Diagnostics::default(),
    };
    let walks = bundler.discover(&root_label);
    bundler.finish_diagnostics()?;
    if let [walk] = walks.as_slice() {
        if walk.target.is_none()
            && walk
                .found
                .iter()
                .all(|f| matches!(f.resolved, Resolved::Unchanged))
        {
            // Every reference is local and stays as written (the common single-file spec): the
            // root is its own bundle, moved rather than copied and walked again.
            return Ok(bundler.unchanged(&root_label));
        }
    }
    let names = bundler.name_targets(&root_label, &walks);
    bundler.assemble(&root_label, walks, &names)
}

impl Bundler {
    /// Walks the root, then every target it reaches (each once, so cycles across files end).
    fn discover(&mut self, root_label: &str) -> Vec<Walk> {
        let mut walks = Vec::new();
        let mut queue =
            std::collections::VecDeque::from([(None::<Target>, Kind::root(self.version))]);
        let mut seen = BTreeSet::new();
        while let Some((target, kind)) = queue.pop_front() {
            let (label, fragment) = match &target {
                Some(t) => (t.label.clone(), t.fragment.clone()),
                None => (root_label.to_owned(), String::new()),
            };
            let mut refs = Vec::new();
            if let Some(value) = self
                .documents
                .get(&label)
                .and_then(|d| lookup(&d.value, &fragment))
            {
                collect_refs(value, kind, &mut Vec::new(), &mut refs);
            }
            let mut found = Vec::new();
            for (segments, reference, kind) in refs {
                let mut pointer = format!("#{fragment}");
                for segment in &segments {
                    pointer.push('/');
                    pointer.push_str(&escape_segment(segment));
                }
                let Some(resolved) = self.resolve(&label, &pointer, &reference, kind) else {
                    continue;
                };
                if let Resolved::External(next) | Resolved::Inline(next) = &resolved {
                    if seen.insert(next.clone()) {
                        queue.push_back((Some(next.clone()), kind));
                    }
                }
                found.push(Found {
                    segments,
                    resolved,
                    kind,
                });
            }
            walks.push(Walk { target, found });
        }
        walks
    }

    /// Resolves one `$ref` written in file `label` at `pointer`; `None` after recording an error.
    fn resolve(
        &mut self,
        label: &str,
        pointer: &str,
        reference: &str,
        kind: Kind,
    ) -> Option<Resolved> {
        let in_root = self.paths.get(label) == Some(&self.root_file);
        if reference.contains("://") || reference.starts_with("//") {
            self.report(label, catalog::url_ref(pointer, reference));
            return None;
        }
        let (file_part, fragment) = match reference.split_once('#') {
            Some((file, fragment)) => (file, fragment),
            None => (reference, ""),
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            self.report(label, catalog::external_ref(pointer, reference));
            return None;
        }
        if file_part.is_empty() && in_root && is_component(fragment, self.version) {
            return Some(Resolved::Unchanged);
        }
        if kind == Kind::Text && !file_part.is_empty() {
            return self.resolve_text(label, pointer, reference, file_part, fragment);
        }
        let section = kind.section_for(self.version);
        let target_label = if file_part.is_empty() {
            label.to_owned()
        } else {
            let base = self.paths.get(label)?.parent()?.to_path_buf();
            let wanted = normalize(&base.join(&*percent_decode_str(file_part).decode_utf8_lossy()));
            let shown = self.label_for(&wanted);
            let Ok(canonical) = std::fs::canonicalize(&wanted) else {
                self.report(label, catalog::external_missing(pointer, reference, &shown));
                return None;
            };
            // Only regular files are read: a directory fails anyway, and a device or a pipe
            // (`/dev/zero`) could block or never end.
            if !canonical.is_file() {
                self.report(
                    label,
                    catalog::external_not_file(pointer, reference, &shown),
                );
                return None;
            }
            if !self.allow_outside && !canonical.starts_with(&self.root_dir) {
                self.report(label, catalog::external_outside(pointer, reference, &shown));
                return None;
            }
            if canonical == self.root_file {
                if fragment.is_empty() {
                    self.report(label, catalog::external_ref(pointer, reference));
                    return None;
                }
                return Some(Resolved::Root(format!("#{fragment}")));
            }
            let shown = self.label_for(&canonical);
            if !self.documents.contains_key(&shown) && !self.read(&shown, &canonical) {
                return None;
            }
            shown
        };
        let exists = self
            .documents
            .get(&target_label)
            .is_some_and(|d| lookup(&d.value, fragment).is_some());
        if !exists {
            self.report(label, catalog::dangling_ref(pointer, reference));
            return None;
        }
        let target = Target {
            label: target_label,
            fragment: fragment.to_owned(),
            section: section.unwrap_or(""),
        };
        Some(match section {
            Some(_) => Resolved::External(target),
            None => Resolved::Inline(target),
        })
    }

    /// A description given by `$ref` to a file: the file's text (Markdown, usually), or the
    /// string a pointer into a YAML file names.
    fn resolve_text(
        &mut self,
        label: &str,
        pointer: &str,
        reference: &str,
        file_part: &str,
        fragment: &str,
    ) -> Option<Resolved> {
        let base = self.paths.get(label)?.parent()?.to_path_buf();
        let wanted = normalize(&base.join(&*percent_decode_str(file_part).decode_utf8_lossy()));
        let shown = self.label_for(&wanted);
        let canonical = match std::fs::canonicalize(&wanted) {
            Ok(canonical) if canonical.is_file() => canonical,
            _ => {
                self.report(label, catalog::external_missing(pointer, reference, &shown));
                return None;
            }
        };
        if !self.allow_outside && !canonical.starts_with(&self.root_dir) {
            self.report(label, catalog::external_outside(pointer, reference, &shown));
            return None;
        }
        let shown = self.label_for(&canonical);
        if !fragment.is_empty() {
            if !self.documents.contains_key(&shown) && !self.read(&shown, &canonical) {
                return None;
            }
            let text = self
                .documents
                .get(&shown)
                .and_then(|d| lookup(&d.value, fragment))
                .and_then(Value::as_str)
                .map(str::to_owned);
            return match text {
                Some(text) => Some(Resolved::Text(text)),
                None => {
                    self.report(label, catalog::dangling_ref(pointer, reference));
                    None
                }
            };
        }
        match std::fs::read_to_string(&canonical) {
            Ok(text) => {
                self.texts.insert(canonical);
                Some(Resolved::Text(text))
            }
            Err(e) => {
                self.report(
                    label,
                    catalog::external_missing(pointer, reference, &format!("{shown} ({e})")),
                );
                None
            }
        }
    }

    /// Reads and parses a referenced file into the cache; `false` (reported once) when it fails.
    fn read(&mut self, label: &str, path: &Path) -> bool {
        if self.broken.contains(label) {
            return false;
        }
        match read_document(path, label) {
            Ok(document) => {
                self.documents.insert(label.to_owned(), document);
                self.paths.insert(label.to_owned(), path.to_path_buf());
                true
            }
            Err(diagnostics) => {
                self.broken.insert(label.to_owned());
                self.located.0.extend(diagnostics.0);
                false
            }
        }
    }

    fn report(&mut self, label: &str, diagnostic: Diagnostic) {
        self.pending.push((label.to_owned(), diagnostic));
    }

    /// How a file is named in messages: its path relative to the root spec, joined to the
    /// directory part of the root's label.
    fn label_for(&self, path: &Path) -> String {
        let relative = relative_path(&self.root_dir, path);
        if self.root_label_dir.is_empty() {
            relative
        } else {
            format!("{}/{relative}", self.root_label_dir)
        }
    }

    /// Locates every recorded problem in the file it is about; `Err` when there is any.
    fn finish_diagnostics(&mut self) -> Result<(), Diagnostics> {
        let mut all = std::mem::take(&mut self.located);
        let mut by_file: BTreeMap<String, Diagnostics> = BTreeMap::new();
        for (label, diagnostic) in std::mem::take(&mut self.pending) {
            by_file.entry(label).or_default().push(diagnostic);
        }
        for (label, mut diagnostics) in by_file {
            let source = self.documents.get(&label).map_or("", |d| d.source.as_str());
            crate::source_map::annotate(&mut diagnostics, &label, source);
            all.0.extend(diagnostics.0);
        }
        if all.is_empty() {
            Ok(())
        } else {
            all.sort();
            Err(all)
        }
    }

    /// Gives each target a component name, after every target is known, in sorted order, so the
    /// names do not depend on the order maps are written in.
    fn name_targets(&self, root_label: &str, walks: &[Walk]) -> BTreeMap<Target, String> {
        let mut taken: BTreeSet<(&'static str, String)> = BTreeSet::new();
        let root = self.documents.get(root_label).map(|d| &d.value);
        let parent = match copies_parent(self.version) {
            Some(key) => root.and_then(|r| r.get(key)),
            None => root,
        };
        if let Some(Value::Mapping(components)) = parent {
            for (section, entries) in components {
                let (Some(section), Some(entries)) = (section.as_str(), entries.as_mapping())
                else {
                    continue;
                };
                for section in SECTIONS.iter().filter(|s| **s == section) {
                    taken.extend(entries.keys().map(|k| (*section, key_string(k))));
                }
            }
        }
        let targets: BTreeSet<&Target> = walks
            .iter()
            .filter_map(|w| w.target.as_ref())
            .filter(|t| !t.section.is_empty())
            .collect();
        let mut names = BTreeMap::new();
        for target in targets {
            let stem = file_stem(&target.label);
            let document = self.documents.get(&target.label).map(|d| &d.value);
            let base = component_name(document, &target.fragment).unwrap_or_else(|| stem.clone());
            let mut candidates = vec![base.clone(), format!("{stem}_{base}")];
            candidates.extend((2..).map(|n| format!("{base}_{n}")).take(10_000));
            let name = candidates
                .into_iter()
                .find(|c| !taken.contains(&(target.section, c.clone())))
                .unwrap_or(base);
            taken.insert((target.section, name.clone()));
            names.insert(target.clone(), name);
        }
        names
    }

    /// Rewrites every external `$ref` and inserts the copies into the root's `components`.
    fn assemble(
        mut self,
        root_label: &str,
        walks: Vec<Walk>,
        names: &BTreeMap<Target, String>,
    ) -> Result<Bundle, Diagnostics> {
        let found_in: BTreeMap<&Target, &[Found]> = walks
            .iter()
            .filter_map(|w| Some((w.target.as_ref()?, w.found.as_slice())))
            .collect();
        let mut assembler = Assembler {
            bundler: &self,
            names,
            found_in: &found_in,
            origins: Vec::new(),
            inlining: Vec::new(),
            errors: Vec::new(),
            warnings: Diagnostics::default(),
        };
        let mut changed = false;
        let mut copies = Vec::new();
        for walk in &walks {
            match &walk.target {
                None => {
                    let mut root = self.documents.get(root_label).map(|d| d.value.clone());
                    if let Some(root) = &mut root {
                        changed |= assembler.rewrite(root, &walk.found, "#", (root_label, ""));
                    }
                    copies.push((None, root.unwrap_or(Value::Null)));
                }
                Some(target) if !target.section.is_empty() => {
                    let at = self.local(target, names);
                    let Some(copy) = assembler.materialize(target, &at) else {
                        continue;
                    };
                    copies.push((Some(target), copy));
                }
                Some(_) => {}
            }
        }
        let origins = std::mem::take(&mut assembler.origins);
        let errors = std::mem::take(&mut assembler.errors);
        let warnings = std::mem::take(&mut assembler.warnings);
        if !errors.is_empty() {
            for (label, d) in errors {
                self.report(&label, d);
            }
            self.finish_diagnostics()?;
        }
        // A local object that was copied into `components` is replaced by a reference to its
        // copy where it stood, so it becomes one type, not two.
        let hoisted: Vec<(&Target, String)> = walks
            .iter()
            .filter_map(|w| w.target.as_ref())
            .filter(|t| t.label == root_label && !t.section.is_empty())
            .map(|t| (t, self.local(t, names)))
            .collect();
        let mut root = Value::Null;
        let mut components = Vec::new();
        for (target, mut copy) in copies {
            // The pointer of this copy's original in the root file, if it came from there.
            let within = match target {
                None => Some(""),
                Some(t) if t.label == root_label => Some(t.fragment.as_str()),
                Some(_) => None,
            };
            for (inner, local) in &hoisted {
                let Some(rest) = within.and_then(|w| inner.fragment.strip_prefix(w)) else {
                    continue;
                };
                if rest.starts_with('/') && Some(*inner) != target {
                    replace_with_ref(&mut copy, &fragment_segments(rest), local);
                }
            }
            match target {
                None => root = copy,
                Some(target) => components.push((
                    target.section,
                    names.get(target).cloned().unwrap_or_default(),
                    copy,
                )),
            }
        }
        changed |= !components.is_empty();
        if let Value::Mapping(document) = &mut root {
            for (section, name, copy) in components {
                let entries = section_entries(document, self.version, section);
                if let Some(entries) = entries {
                    entries.insert(Value::from(name), copy);
                }
            }
        }
        let mut files: BTreeSet<PathBuf> = self.paths.values().cloned().collect();
        files.extend(std::mem::take(&mut self.texts));
        Ok(Bundle {
            value: root,
            origins,
            changed,
            warnings,
            files: files.into_iter().collect(),
        })
    }

    /// The bundle of a root document that needs nothing copied or rewritten: the root itself.
    fn unchanged(mut self, root_label: &str) -> Bundle {
        let value = self
            .documents
            .remove(root_label)
            .map_or(Value::Null, |d| d.value);
        let mut files: BTreeSet<PathBuf> = self.paths.into_values().collect();
        files.extend(self.texts);
        Bundle {
            value,
            origins: Vec::new(),
            changed: false,
            warnings: Diagnostics::default(),
            files: files.into_iter().collect(),
        }
    }

    /// Where the copy of a target lives in the bundled document.
    fn local(&self, target: &Target, names: &BTreeMap<Target, String>) -> String {
        let name = names.get(target).map_or("", String::as_str);
        component_pointer(self.version, target.section, name)
    }
}

/// Builds the bundled document's pieces: each copy with its references rewritten and its inlined
/// references put in place, and the origin of each.
struct Assembler<'b> {
    bundler: &'b Bundler,
    names: &'b BTreeMap<Target, String>,
    found_in: &'b BTreeMap<&'b Target, &'b [Found]>,
    origins: Vec<Origin>,
    /// The inline targets being expanded, innermost last (a target inside itself is a cycle).
    inlining: Vec<Target>,
    /// Problems found while expanding, with the label of the file they are about.
    errors: Vec<(String, Diagnostic)>,
    warnings: Diagnostics,
}

impl Assembler<'_> {
    /// A copy of `target`, which will sit at pointer `at` of the bundled document.
    fn materialize(&mut self, target: &Target, at: &str) -> Option<Value> {
        let document = self.bundler.documents.get(&target.label)?;
        let mut copy = lookup(&document.value, &target.fragment)?.clone();
        self.origins.push(Origin {
            bundled: at.to_owned(),
            file: target.label.clone(),
            source: document.source.as_str().into(),
            pointer: format!("#{}", target.fragment),
        });
        let found = self.found_in.get(target).copied().unwrap_or_default();
        self.rewrite(&mut copy, found, at, (&target.label, &target.fragment));
        Some(copy)
    }

    /// Rewrites the references found in `value` (which sits at `at`, and was written in file
    /// `from.0` at pointer `from.1`); whether anything changed.
    fn rewrite(
        &mut self,
        value: &mut Value,
        found: &[Found],
        at: &str,
        from: (&str, &str),
    ) -> bool {
        let mut changed = false;
        for f in found {
            let Some(node) = lookup_mut(value, &f.segments) else {
                continue;
            };
            let new = match &f.resolved {
                Resolved::Unchanged => continue,
                Resolved::Root(pointer) => pointer.clone(),
                Resolved::External(target) => self.bundler.local(target, self.names),
                Resolved::Text(text) => {
                    *node = Value::from(text.as_str());
                    changed = true;
                    continue;
                }
                Resolved::Inline(target) => {
                    let here = join_segments(at, &f.segments);
                    if self.inlining.contains(target) {
                        let pointer = join_segments("#", &f.segments);
                        self.errors.push((
                            target.label.clone(),
                            catalog::inline_ref_cycle(
                                &pointer,
                                &format!("{}#{}", target.label, target.fragment),
                            ),
                        ));
                        continue;
                    }
                    if f.kind == Kind::Operation {
                        // Reported where the `$ref` is written, in the file that writes it.
                        let (label, fragment) = from;
                        let written = join_segments(&format!("#{fragment}"), &f.segments);
                        let shown = match target.fragment.as_str() {
                            "" => target.label.clone(),
                            fragment => format!("{}#{fragment}", target.label),
                        };
                        let mut warning =
                            Diagnostics(vec![catalog::operation_ref(&written, &shown)]);
                        let source = self
                            .bundler
                            .documents
                            .get(label)
                            .map_or("", |d| d.source.as_str());
                        crate::source_map::annotate(&mut warning, label, source);
                        self.warnings.0.extend(warning.0);
                    }
                    self.inlining.push(target.clone());
                    let inlined = self.materialize(target, &here);
                    self.inlining.pop();
                    if let Some(mut inlined) = inlined {
                        // Keywords written beside the `$ref` (a 3.1 `summary`, `description`)
                        // override the referenced object's own.
                        if let (Value::Mapping(beside), Value::Mapping(object)) =
                            (&*node, &mut inlined)
                        {
                            for (k, v) in beside {
                                if k.as_str() != Some("$ref") {
                                    object.insert(k.clone(), v.clone());
                                }
                            }
                        }
                        *node = inlined;
                        changed = true;
                    }
                    continue;
                }
            };
            if let Value::Mapping(object) = node {
                object.insert(Value::from("$ref"), Value::from(new));
                changed = true;
            }
        }
        changed
    }
}

/// Puts `{$ref: local}` at `segments` under `value`, unless that spot is a reference already.
fn replace_with_ref(value: &mut Value, segments: &[String], local: &str) {
    if let Some(node) = lookup_mut(value, segments) {
        if node.get("$ref").is_none() {
            let mut reference = Mapping::new();
            reference.insert(Value::from("$ref"), Value::from(local));
            *node = Value::Mapping(reference);
        }
    }
}

/// The name a copied object is given: the last segment of its pointer that names something
/// (`/components/schemas/Base/properties/id` -> `id`, `/$defs/Pet` -> `Pet`), or for a schema
/// inside an operation, its `operationId` and status (`listBases_200`); `None` for a whole file.
fn component_name(document: Option<&Value>, fragment: &str) -> Option<String> {
    const STRUCTURE: &[&str] = &[
        "responses",
        "requestBody",
        "parameters",
        "schema",
        "items",
        "additionalProperties",
        "not",
        "properties",
        "allOf",
        "anyOf",
        "oneOf",
        "content",
        "$defs",
        "definitions",
    ];
    let segments = fragment_segments(fragment);
    let last = segments.last()?;
    if let [paths, path, method, rest @ ..] = segments.as_slice() {
        let operation_id = document
            .and_then(|d| d.get(paths.as_str()))
            .and_then(|p| p.get(path.as_str()))
            .and_then(|p| p.get(method.as_str()))
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str);
        if let (true, Some(operation_id)) = (paths == "paths", operation_id) {
            let mut name = operation_id.to_owned();
            for segment in rest {
                if !STRUCTURE.contains(&segment.as_str()) && !segment.contains('/') {
                    name.push('_');
                    name.push_str(segment);
                }
            }
            return Some(name);
        }
    }
    let named = segments.iter().rev().find(|s| {
        !STRUCTURE.contains(&s.as_str()) && s.parse::<usize>().is_err() && !s.contains('/')
    });
    Some(named.unwrap_or(last).clone())
}

/// `at` extended by segments.
fn join_segments(at: &str, segments: &[String]) -> String {
    let mut pointer = at.to_owned();
    for segment in segments {
        pointer.push('/');
        pointer.push_str(&escape_segment(segment));
    }
    pointer
}

/// Whether a local pointer (without `#`) names a whole component: `/components/<section>/<name>`
/// (in 2.0, `/definitions/<name>`, `/parameters/<name>`, `/responses/<name>`).
fn is_component(fragment: &str, version: Version) -> bool {
    let segments = fragment_segments(fragment);
    match (version, segments.as_slice()) {
        (Version::Swagger2, [section, _]) => {
            matches!(section.as_str(), "definitions" | "parameters" | "responses")
        }
        (_, [components, section, _]) => {
            components == "components" && SECTIONS.contains(&section.as_str())
        }
        _ => false,
    }
}

/// The pointer of a component in the bundled document.
fn component_pointer(version: Version, section: &str, name: &str) -> String {
    let name = escape_segment(name);
    match copies_parent(version) {
        Some(parent) => format!("#/{parent}/{section}/{name}"),
        None => format!("#/{section}/{name}"),
    }
}

/// The map a component section's entries go in, created when missing.
fn section_entries<'d>(
    document: &'d mut Mapping,
    version: Version,
    section: &str,
) -> Option<&'d mut Mapping> {
    let parent = match copies_parent(version) {
        Some(key) => document
            .entry(Value::from(key))
            .or_insert_with(|| Value::Mapping(Mapping::new()))
            .as_mapping_mut()?,
        None => document,
    };
    parent
        .entry(Value::from(section))
        .or_insert_with(|| Value::Mapping(Mapping::new()))
        .as_mapping_mut()
}

const SECTIONS: &[&str] = &[
    "schemas",
    "parameters",
    "requestBodies",
    "responses",
    "headers",
    "examples",
    // Swagger 2.0's root-level maps.
    "definitions",
];

/// Where copies go: under `components` in 3.x, at the root in Swagger 2.0.
fn copies_parent(version: Version) -> Option<&'static str> {
    match version {
        Version::Swagger2 => None,
        Version::V30 | Version::V31 | Version::V32 => Some("components"),
    }
}

/// Finds every `$ref` under `value` (a value of `kind`), with its segments and kind.
fn collect_refs(
    value: &Value,
    kind: Kind,
    segments: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String, Kind)>,
) {
    if segments.len() > MAX_DEPTH || kind == Kind::Opaque {
        return;
    }
    match value {
        Value::Mapping(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push((segments.clone(), reference.clone(), kind));
                return;
            }
            for (key, child) in map {
                let key = key_string(key);
                let child_kind = kind.child(&key);
                segments.push(key);
                collect_refs(child, child_kind, segments, out);
                segments.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter().enumerate() {
                let key = index.to_string();
                let child_kind = kind.child(&key);
                segments.push(key);
                collect_refs(child, child_kind, segments, out);
                segments.pop();
            }
        }
        Value::Tagged(tagged) => collect_refs(&tagged.value, kind, segments, out),
        _ => {}
    }
}

/// A mapping key as the string a JSON pointer names it by (YAML allows `200:` unquoted).
/// Whether a mapping key reads as `segment` (see `key_string`), without allocating for a string.
fn key_matches(key: &Value, segment: &str) -> bool {
    match key {
        Value::String(s) => s == segment,
        other => key_string(other) == segment,
    }
}

fn key_string(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// The decoded segments of a pointer without its `#` (`/a/b~1c` -> `["a", "b/c"]`).
fn fragment_segments(fragment: &str) -> Vec<String> {
    if fragment.is_empty() {
        return Vec::new();
    }
    fragment
        .split('/')
        .skip(1)
        .map(decode_fragment_segment)
        .collect()
}

/// The value a pointer (without `#`) names.
fn lookup<'v>(value: &'v Value, fragment: &str) -> Option<&'v Value> {
    let mut current = value;
    for segment in fragment_segments(fragment) {
        current = match current {
            Value::Mapping(map) => match map.get(segment.as_str()) {
                Some(value) => value,
                None => map
                    .iter()
                    .find(|(k, _)| key_matches(k, &segment))
                    .map(|(_, v)| v)?,
            },
            Value::Sequence(items) => items.get(segment.parse::<usize>().ok()?)?,
            Value::Tagged(tagged) => &tagged.value,
            _ => return None,
        };
    }
    Some(current)
}

fn lookup_mut<'v>(value: &'v mut Value, segments: &[String]) -> Option<&'v mut Value> {
    let mut current = value;
    for segment in segments {
        current = match current {
            // A string key is found by its hash; only a key written as a number or a boolean
            // (`200:`) is looked for one by one.
            Value::Mapping(map) => {
                if map.contains_key(segment.as_str()) {
                    map.get_mut(segment.as_str())?
                } else {
                    map.iter_mut()
                        .find(|(k, _)| key_matches(k, segment))
                        .map(|(_, v)| v)?
                }
            }
            Value::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Removes `.` and `..` without touching the file system (the file may not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base`, with `/` separators and `..` where it leaves `base`.
fn relative_path(base: &Path, path: &Path) -> String {
    let base: Vec<Component> = base.components().collect();
    let path: Vec<Component> = path.components().collect();
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); base.len() - common];
    parts.extend(
        path[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn file_stem(label: &str) -> String {
    let name = label.rsplit('/').next().unwrap_or(label);
    match name.split_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c/d.yaml")),
            "c/d.yaml"
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/x.yaml")),
            "../x.yaml"
        );
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }

    #[test]
    fn pointers_into_yaml() {
        let value: Value = serde_yaml::from_str("a:\n  200:\n    - x\n  b/c: 1\n").unwrap();
        assert_eq!(lookup(&value, "/a/200/0"), Some(&Value::from("x")));
        assert_eq!(lookup(&value, "/a/b~1c"), Some(&Value::from(1)));
        assert_eq!(lookup(&value, ""), Some(&value));
        assert_eq!(lookup(&value, "/nope"), None);
    }
}
