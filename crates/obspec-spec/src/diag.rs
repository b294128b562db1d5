//! Diagnostics: located findings with stable codes.

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl From<obspec_rules::Level> for Severity {
    fn from(l: obspec_rules::Level) -> Self {
        match l {
            obspec_rules::Level::Warning => Severity::Warning,
            obspec_rules::Level::Error => Severity::Error,
        }
    }
}

/// A secondary location: "first defined here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub span: Span,
    pub message: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, `OBS001`...; `obspec explain CODE` describes it.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Where; `None` only for findings about the run itself (no spec found).
    pub span: Option<Span>,
    pub help: Option<String>,
    pub notes: Vec<Note>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, span: Span, message: impl Into<String>) -> Self {
        self.notes.push(Note {
            span,
            message: message.into(),
        });
        self
    }

    /// A diagnostic from a shared rule violation.
    pub fn from_violation(v: obspec_rules::Violation, span: Span) -> Self {
        Diagnostic {
            code: v.code,
            severity: v.level.into(),
            message: v.message,
            span: Some(span),
            help: Some(v.help),
            notes: Vec::new(),
        }
    }
}

/// Collects findings; never stops at the first. A collector made with
/// [`Diagnostics::capped`] keeps at most that many findings per code and
/// only counts the rest, so that an input with millions of mistakes costs
/// memory and output for the cap, not for the input.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    cap: Option<usize>,
    kept: std::collections::HashMap<&'static str, usize>,
    omitted: std::collections::BTreeMap<(&'static str, Severity), usize>,
    suppressed: Vec<(Diagnostic, String)>,
}

impl Diagnostics {
    /// A collector keeping at most `per_code` findings of each code.
    pub fn capped(per_code: usize) -> Diagnostics {
        Diagnostics {
            cap: Some(per_code),
            ..Diagnostics::default()
        }
    }

    /// The cap per code, if any.
    pub fn cap(&self) -> Option<usize> {
        self.cap
    }

    /// Findings counted past the cap: `(code, severity, count)`, by code.
    pub fn omitted(&self) -> impl Iterator<Item = (&'static str, Severity, usize)> + '_ {
        self.omitted.iter().map(|((c, s), n)| (*c, *s, *n))
    }

    pub fn push(&mut self, d: Diagnostic) {
        if let Some(cap) = self.cap {
            let kept = self.kept.entry(d.code).or_insert(0);
            if *kept >= cap {
                *self.omitted.entry((d.code, d.severity)).or_insert(0) += 1;
                return;
            }
            *kept += 1;
        }
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        for d in ds {
            self.push(d);
        }
    }

    /// Moves every finding of `other` after these, in its order (its
    /// omitted counts added to these).
    pub fn append(&mut self, other: Diagnostics) {
        for ((c, s), n) in other.omitted {
            *self.omitted.entry((c, s)).or_insert(0) += n;
        }
        self.suppressed.extend(other.suppressed);
        self.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Findings of severity `s`, those past the cap included.
    pub fn count(&self, s: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == s).count()
            + self
                .omitted
                .iter()
                .filter(|((_, sev), _)| *sev == s)
                .map(|(_, n)| n)
                .sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.omitted.is_empty()
    }

    /// Findings kept (those past the cap are only counted).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Sorted by location, then code, then message; duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (a.span, a.code, &a.message).cmp(&(b.span, b.code, &b.message)));
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Moves every finding `reason_for` gives a reason for out of the
    /// findings into the suppressed ones: they no longer count, in the
    /// totals or the exit status, but stay listed with their reason.
    pub fn suppress(&mut self, mut reason_for: impl FnMut(&Diagnostic) -> Option<String>) {
        let mut kept = Vec::with_capacity(self.items.len());
        for d in std::mem::take(&mut self.items) {
            match reason_for(&d) {
                Some(reason) => self.suppressed.push((d, reason)),
                None => kept.push(d),
            }
        }
        self.items = kept;
    }

    /// The suppressed findings with their reasons, sorted like
    /// [`Diagnostics::into_sorted`].
    pub fn suppressed(&self) -> Vec<(Diagnostic, String)> {
        let mut out = self.suppressed.clone();
        out.sort_by(|a, b| {
            (a.0.span, a.0.code, &a.0.message).cmp(&(b.0.span, b.0.code, &b.0.message))
        });
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_collector_keeps_the_first_per_code_and_counts_the_rest() {
        let mut d = Diagnostics::capped(2);
        for i in 0..5 {
            d.push(Diagnostic::error(
                "OBS312",
                Span::point(crate::source::FileId(0), 1, 1),
                format!("e{i}"),
            ));
        }
        d.push(Diagnostic::warning(
            "OBS312",
            Span::point(crate::source::FileId(0), 1, 1),
            "w",
        ));
        d.push(Diagnostic::warning(
            "OBS315",
            Span::point(crate::source::FileId(0), 1, 1),
            "x",
        ));
        assert_eq!(d.len(), 3);
        assert_eq!(d.count(Severity::Error), 5);
        assert_eq!(d.count(Severity::Warning), 2);
        let omitted: Vec<_> = d.omitted().collect();
        assert_eq!(
            omitted,
            [
                ("OBS312", Severity::Warning, 1),
                ("OBS312", Severity::Error, 3)
            ]
        );
        let kept: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(kept, ["e0", "e1", "x"]);
        let mut all = Diagnostics::default();
        all.append(d);
        assert_eq!(all.count(Severity::Error), 5);
        assert!(Diagnostics::default().is_empty());
    }
}
