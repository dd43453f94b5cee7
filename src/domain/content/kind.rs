//! The kinds of content item.

word_enum!(
    /// The kind of a content item.
    Kind {
        News,
        Manifest,
        Download,
        Video,
        Page,
        Location,
        /// The home page: exactly one item, slug `home`.
        Home,
    }
);

impl Kind {
    /// Parses a comma list such as `news,video`; the error names the first unknown entry.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let k = Self::parse(part)
                .ok_or_else(|| format!("unknown kind '{part}'; one of {}", Self::choices()))?;
            if !out.contains(&k) {
                out.push(k);
            }
        }
        if out.is_empty() {
            return Err("must name at least one kind".into());
        }
        Ok(out)
    }
}
