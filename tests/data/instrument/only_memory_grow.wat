;; Only memory.grow, charged per page requested (grow_page).
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
