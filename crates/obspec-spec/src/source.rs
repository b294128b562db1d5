//! Source files and locations.

use std::path::PathBuf;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A region of a source file. Lines and columns are 1-based; columns count
/// characters. `end_*` is exclusive when on the same line as the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// A span covering a single point.
    pub fn point(file: FileId, line: u32, col: u32) -> Span {
        Span {
            file,
            line,
            col,
            end_line: line,
            end_col: col + 1,
        }
    }

    /// A sub-span `offset..offset+len` (in characters) of a single-line span.
    /// Falls back to the whole span when the region is not on one line.
    pub fn sub(self, offset: usize, len: usize) -> Span {
        if self.line != self.end_line {
            return self;
        }
        let col = self.col + offset as u32;
        let end = (col + len.max(1) as u32).min(self.end_col.max(col + 1));
        Span {
            col,
            end_col: end,
            ..self
        }
    }
}

/// One loaded file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to users: relative to the spec root, `/`-separated.
    pub name: String,
    /// The path relative to the spec root it was found under (`/`-separated):
    /// what generated headers name, so they do not depend on the working directory.
    pub rel: String,
    /// The path on disk.
    pub path: PathBuf,
    pub text: String,
}

/// Byte offsets where each line starts (computed once per file).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl SourceFile {
    /// The text of 1-based line `line`, without its newline.
    pub fn line(&self, line: u32) -> Option<&str> {
        self.text
            .split('\n')
            .nth(line.checked_sub(1)? as usize)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }
}

/// A file and the start offsets of its lines.
#[derive(Debug, Clone)]
struct Indexed {
    file: SourceFile,
    starts: Vec<usize>,
}

impl Indexed {
    fn line(&self, line: u32) -> Option<&str> {
        let i = line.checked_sub(1)? as usize;
        let start = *self.starts.get(i)?;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.file.text.len(), |e| e - 1);
        let l = self.file.text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }
}

/// All files of one run.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<Indexed>,
    /// Credentials found in the files: reports mask them wherever they appear.
    secrets: Vec<String>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let starts = line_starts(&file.text);
        self.files.push(Indexed { file, starts });
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize].file
    }

    /// The text of 1-based line `line` of file `id` (constant time).
    pub fn line(&self, id: FileId, line: u32) -> Option<&str> {
        self.files.get(id.0 as usize)?.line(line)
    }

    /// The location of `value[offset..offset + len]`, where `value` is the
    /// (unescaped) text of a scalar written at `span`. The same text is looked up
    /// in the raw source, so locations stay exact in quoted strings with escapes
    /// and in multi-line block scalars.
    pub fn locate(&self, span: Span, value: &str, offset: usize, len: usize) -> Span {
        // Byte positions from analyses may fall inside a character: widen them
        // to whole characters.
        let mut offset = offset.min(value.len());
        while !value.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut end = offset.saturating_add(len).min(value.len());
        while !value.is_char_boundary(end) {
            end += 1;
        }
        let len = end - offset;
        let fallback = || {
            span.sub(
                value[..offset.min(value.len())].chars().count(),
                value
                    .get(offset..offset + len)
                    .map_or(len, |n| n.chars().count()),
            )
        };
        let (Some(needle), Some(file)) = (
            value.get(offset..offset + len),
            self.files.get(span.file.0 as usize),
        ) else {
            return fallback();
        };
        if needle.is_empty() {
            return fallback();
        }
        let nth = value[..offset].matches(needle).count();
        // The raw text of the span, from its start to its end.
        let mut region = Vec::new();
        for line in span.line..=span.end_line {
            let Some(l) = file.line(line) else { break };
            let start = if line == span.line {
                span.col as usize - 1
            } else {
                0
            };
            let start_byte = l.char_indices().nth(start).map_or(l.len(), |(b, _)| b);
            region.push((line, start as u32, &l[start_byte..]));
        }
        let mut seen = 0;
        for (line, col0, text) in region {
            for (b, _) in text.match_indices(needle) {
                if seen == nth {
                    let col = col0 + text[..b].chars().count() as u32 + 1;
                    return Span {
                        file: span.file,
                        line,
                        col,
                        end_line: line,
                        end_col: col + needle.chars().count() as u32,
                    };
                }
                seen += 1;
            }
        }
        fallback()
    }

    /// The source text under a one-line span, as written.
    pub fn slice(&self, span: Span) -> Option<&str> {
        if span.end_line != span.line || span.end_col <= span.col {
            return None;
        }
        let line = self.line(span.file, span.line)?;
        let start = line.char_indices().nth(span.col as usize - 1)?.0;
        let end = line
            .char_indices()
            .nth(span.end_col as usize - 1)
            .map_or(line.len(), |(i, _)| i);
        line.get(start..end)
    }

    /// Records a credential found in a file, so that [`Sources::redact`] masks it.
    pub fn add_secret(&mut self, literal: &str) {
        // Every line of a multi-line secret, and its form as written in the
        // source (a quoted scalar may differ from its value only by escapes).
        for part in literal.lines().map(str::trim).filter(|l| l.len() >= 4) {
            if !self.secrets.iter().any(|s| s == part) {
                self.secrets.push(part.to_string());
            }
        }
        // Longest first, so that a secret containing another is masked whole.
        self.secrets
            .sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    }

    /// Whether a credential was found in the files.
    pub fn has_secrets(&self) -> bool {
        !self.secrets.is_empty()
    }

    /// `text` with every recorded credential replaced by `*` of the same width.
    pub fn redact<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if !self.secrets.iter().any(|s| text.contains(s.as_str())) {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), &"*".repeat(s.chars().count()));
            }
        }
        std::borrow::Cow::Owned(out)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &f.file))
    }
}
