"""The build's stages between parsing and writing: load, link, plan, render."""
