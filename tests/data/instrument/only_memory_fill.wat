;; Only memory.fill, charged per byte (bulk_unit).
(module
  (memory 1)
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2))))
