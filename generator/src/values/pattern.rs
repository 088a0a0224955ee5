//! Writes a string that a `pattern` (ECMA-262, as JSON Schema reads it: not anchored) matches,
//! within length bounds: a deterministic walk over the pattern's syntax tree (`regex-syntax`),
//! each candidate confirmed with `regress`, the engine the runtime validates with.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Characters preferred, in order, when a class admits them: plain text reads best.
const PREFERRED: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";

/// How many extra rounds an unbounded repetition is tried with, in turn.
const STRETCHES: [u32; 9] = [0, 1, 2, 3, 5, 8, 16, 32, 64];

/// A string `pattern` matches, with `min..=max` characters; `nth` picks another one of them
/// (for `uniqueItems`). `None` when the pattern does not compile with `regress` or no
/// candidate fits.
pub fn matching(pattern: &str, min: usize, max: Option<usize>, nth: usize) -> Option<String> {
    let regex = regress::Regex::new(pattern).ok()?;
    let fits = |text: &str| {
        let len = text.chars().count();
        len >= min && max.is_none_or(|max| len <= max) && regex.find(text).is_some()
    };
    // Look-arounds are not `regex-syntax`'s: walk the pattern without them, and let `regress`
    // judge the candidates against the whole pattern.
    let parse = |text: &str| regex_syntax::ParserBuilder::new().build().parse(text).ok();
    let hir = parse(pattern).or_else(|| parse(&without_lookarounds(pattern)));
    if let Some(hir) = &hir {
        for choice in 0..4 {
            for stretch in STRETCHES {
                let mut writer = Writer {
                    stretch,
                    choice,
                    vary: nth,
                    out: String::new(),
                    budget: 4096,
                };
                writer.write(hir);
                if writer.budget == 0 {
                    continue;
                }
                let text = writer.out;
                // An unanchored pattern also matches inside a longer text: pad to the minimum.
                let padded = pad(&text, min);
                for candidate in [text, padded] {
                    if fits(&candidate) {
                        return Some(candidate);
                    }
                }
            }
        }
    }
    // Syntax `regex-syntax` does not read (look-arounds, back-references): plain guesses.
    let guesses = [
        "a",
        "A",
        "0",
        "1",
        "abc",
        "string",
        "a1",
        "a-b",
        "x@example.com",
    ];
    guesses
        .iter()
        .map(|g| pad(&format!("{g}{}", suffix(nth)), min))
        .find(|g| fits(g))
}

/// The pattern with its look-around groups (`(?=..)`, `(?!..)`, `(?<=..)`, `(?<!..)`) removed.
fn without_lookarounds(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        let opens = ["(?=", "(?!", "(?<=", "(?<!"]
            .iter()
            .any(|o| rest.starts_with(o));
        if chars[i] == '\\' {
            out.extend(&chars[i..chars.len().min(i + 2)]);
            i += 2;
            continue;
        }
        if !opens {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // Skip to the group's closing parenthesis.
        let mut depth = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 1,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

fn suffix(nth: usize) -> String {
    if nth == 0 {
        String::new()
    } else {
        nth.to_string()
    }
}

fn pad(text: &str, min: usize) -> String {
    let len = text.chars().count();
    let mut out = text.to_owned();
    out.extend(std::iter::repeat_n('a', min.saturating_sub(len)));
    out
}

struct Writer {
    /// Extra rounds for each repetition, up to its maximum.
    stretch: u32,
    /// Which branch of each alternation (the last one when there are fewer).
    choice: usize,
    /// Which admitted character the first class writes.
    vary: usize,
    out: String,
    /// Characters left before the walk gives up (a huge bounded repetition).
    budget: usize,
}

impl Writer {
    fn write(&mut self, hir: &Hir) {
        if self.budget == 0 {
            return;
        }
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(literal) => {
                let text = String::from_utf8_lossy(&literal.0);
                self.push_str(&text);
            }
            HirKind::Class(class) => {
                if let Some(c) = pick(class, self.vary) {
                    self.vary = 0;
                    self.push(c);
                }
            }
            HirKind::Repetition(repetition) => {
                let rounds = match repetition.max {
                    Some(max) => repetition.min.saturating_add(self.stretch).min(max),
                    None => repetition.min.saturating_add(self.stretch),
                };
                for _ in 0..rounds {
                    if self.budget == 0 {
                        return;
                    }
                    self.write(&repetition.sub);
                }
            }
            HirKind::Capture(capture) => self.write(&capture.sub),
            HirKind::Concat(parts) => parts.iter().for_each(|part| self.write(part)),
            HirKind::Alternation(branches) => {
                if let Some(branch) = branches.get(self.choice.min(branches.len() - 1)) {
                    self.write(branch);
                }
            }
        }
    }

    fn push(&mut self, c: char) {
        if self.budget > 0 {
            self.budget -= 1;
            self.out.push(c);
        }
    }

    fn push_str(&mut self, text: &str) {
        text.chars().for_each(|c| self.push(c));
    }
}

/// A character the class admits: the `vary`-th preferred one it holds, else its first
/// printable one.
fn pick(class: &Class, vary: usize) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let admits = |c: char| {
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= c && c <= r.end())
            };
            let preferred: Vec<char> = PREFERRED.chars().filter(|c| admits(*c)).collect();
            if !preferred.is_empty() {
                return Some(preferred[vary % preferred.len()]);
            }
            class.ranges().iter().find_map(|range| {
                (range.start()..=range.end())
                    .take(256)
                    .find(|c| !c.is_control() && !c.is_whitespace())
                    .or(Some(range.start()))
            })
        }
        Class::Bytes(class) => {
            let admits = |b: u8| {
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= b && b <= r.end())
            };
            let preferred: Vec<char> = PREFERRED.chars().filter(|c| admits(*c as u8)).collect();
            if !preferred.is_empty() {
                return Some(preferred[vary % preferred.len()]);
            }
            class
                .ranges()
                .iter()
                .find_map(|range| (range.start()..=range.end()).find(u8::is_ascii_graphic))
                .map(char::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matching;

    #[test]
    fn strings_match_their_patterns_within_their_lengths() {
        let cases = [
            ("^[a-z]{3}$", 0, None),
            ("^\\d{4}-\\d{2}$", 0, None),
            ("^[A-Z][a-z]+$", 5, Some(8)),
            ("^(foo|bar)+baz$", 0, None),
            ("[0-9]", 4, Some(6)),
            ("^P(\\d+D)?(T\\d+H)?$", 2, None),
            ("^[^\\s]+$", 1, Some(3)),
            ("^(?=.*[a-z])[a-z0-9]{8,}$", 0, None),
            ("^\\/[a-z]+\\/?$", 0, None),
        ];
        for (pattern, min, max) in cases {
            let text = matching(pattern, min, max, 0).unwrap_or_else(|| panic!("{pattern}"));
            let regex = regress::Regex::new(pattern).expect("a valid pattern");
            assert!(regex.find(&text).is_some(), "{pattern}: {text}");
            assert!(text.chars().count() >= min, "{pattern}: {text}");
            assert!(
                max.is_none_or(|max| text.chars().count() <= max),
                "{pattern}: {text}"
            );
        }
    }

    #[test]
    fn another_string_when_asked() {
        let first = matching("^[a-z]{2}$", 0, None, 0);
        let second = matching("^[a-z]{2}$", 0, None, 1);
        assert_ne!(first, second);
    }
}
