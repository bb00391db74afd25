// Python binding: see bindings-python/README.md
