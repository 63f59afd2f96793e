;; No functions at all.
(module (memory (export "mem") 1))
