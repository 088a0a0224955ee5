//! The bound every recursive walk over a user's schemas carries: how deep it has nested, and
//! which component schemas it is inside of, so that no walk can recurse without end.
//!
//! Real specs recurse through places that do not look recursive: AWS descriptions wrap every
//! reference in an annotation-only `allOf` (`Not: {allOf: [{$ref: Expression}, {description}]}`)
//! inside the very schema referred to, and a walk that merges `allOf` members follows such a
//! wrapper into the same component again. The walk stops where this guard says so.

/// How many schemas deep a walk may nest (inline schemas and components alike) before it stops.
/// Far beyond any real spec's nesting, far below what overflows a 2 MiB stack.
pub(crate) const MAX_WALK_DEPTH: usize = 128;

/// How many components a walk may be inside of at once (`allOf` members merged into members).
pub(crate) const MAX_ENTERED: usize = 32;

/// Where a walk is: its depth and the component schemas it is inside of, outermost first.
#[derive(Debug, Clone, Default)]
pub(crate) struct Walk {
    depth: usize,
    entered: Vec<String>,
}

impl Walk {
    /// A fresh walk from the top of a document.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The walk one schema deeper; `None` past [`MAX_WALK_DEPTH`].
    pub(crate) fn nested(&self) -> Option<Walk> {
        (self.depth < MAX_WALK_DEPTH).then(|| Walk {
            depth: self.depth + 1,
            entered: self.entered.clone(),
        })
    }

    /// The walk inside component `name`; `None` when the walk is already inside it (following it
    /// again would never end) or is too deep.
    pub(crate) fn enter(&self, name: &str) -> Option<Walk> {
        if self.entered.len() >= MAX_ENTERED || self.entered.iter().any(|n| n == name) {
            return None;
        }
        let mut next = self.nested()?;
        next.entered.push(name.to_owned());
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_component_is_entered_once_per_path() {
        let walk = Walk::new();
        let inside = walk.enter("Expression").expect("first entry");
        assert!(inside.enter("Expression").is_none());
        let deeper = inside.enter("Other").expect("another component");
        assert!(deeper.enter("Expression").is_none());
        // A sibling path may enter it again.
        assert!(walk
            .enter("Other")
            .and_then(|w| w.enter("Expression"))
            .is_some());
    }

    #[test]
    fn nesting_stops_at_the_bound() {
        let mut walk = Walk::new();
        for _ in 0..MAX_WALK_DEPTH {
            walk = walk.nested().expect("within the bound");
        }
        assert!(walk.nested().is_none());
        assert!(walk.enter("A").is_none());
    }

    #[test]
    fn entering_stops_at_the_bound() {
        let mut walk = Walk::new();
        for index in 0..MAX_ENTERED {
            walk = walk.enter(&index.to_string()).expect("within the bound");
        }
        assert!(walk.enter("one more").is_none());
    }
}
