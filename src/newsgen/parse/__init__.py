"""Reading text: YAML with lines, front matter, dates, slugs, Markdown, the config."""
