;; Only table.grow, charged per element requested (bulk_unit).
(module
  (table 1 funcref)
  (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0))))
