"""`newsgen serve`: the HTTP server with live reload and the file watcher."""
