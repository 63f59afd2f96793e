-- The Lua program of the benchmark suite (bench/programs.txt; bench/lua/entry.c runs it as
-- run(n)): n rounds of what Lua programs spend their time on: calls and closures, tables as
-- arrays and as records, strings (building, formatting, patterns), metatables and method
-- calls, and integer and float arithmetic. No coroutines: a yield unwinds with longjmp, which
-- wasm32 has not here. It returns a checksum (an integer below 2^31), the same on every
-- platform: no math library functions whose last bit may differ, and no iteration order of
-- pairs() in what it sums.
local n = ...
local sum = 0
local function mix(x)
  sum = (sum * 31 + x) % 2147483647
end

local function fib(k)
  if k < 2 then return k end
  return fib(k - 1) + fib(k - 2)
end

-- A class with methods, through a metatable.
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec:add(o) return Vec.new(self.x + o.x, self.y + o.y) end
function Vec:dot(o) return self.x * o.x + self.y * o.y end
Vec.__add = Vec.add

local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}

for round = 1, n do
  -- calls
  mix(fib(16 + round % 3))

  -- arrays: fill, sort with a comparator (a closure called from C), sum
  math.randomseed(round)
  local a = {}
  for i = 1, 600 do a[i] = math.random(1, 100000) end
  table.sort(a, function(p, q) return p > q end)
  local s = 0
  for i = 1, #a, 7 do s = s + a[i] end
  mix(s % 1000003)

  -- records and strings: count words, keyed by string
  local counts = {}
  local parts = {}
  for i = 1, 400 do
    local w = words[(i * 7 + round) % #words + 1]
    counts[w] = (counts[w] or 0) + 1
    parts[#parts + 1] = string.format("%s:%d", w, i % 13)
  end
  for _, w in ipairs(words) do mix(counts[w] or 0) end
  local text = table.concat(parts, " ")
  local found = 0
  for word, num in text:gmatch("(%a+):(%d+)") do
    if word:sub(1, 1) == "e" then found = found + tonumber(num) end
  end
  mix(found)
  mix(#text:gsub("a", "A"):upper():rep(2))

  -- objects and metamethods
  local acc = Vec.new(0, 0)
  for i = 1, 300 do
    local v = Vec.new(i, round - i)
    acc = acc + v
    mix(acc:dot(v) % 65521)
  end

  -- closures: a counter per round, called through an upvalue
  local function counter(step)
    local c = 0
    return function() c = c + step; return c end
  end
  local next_value, g = counter(round % 5 + 1), 0
  for _ = 1, 200 do g = g + next_value() % 97 end
  mix(g)

  -- float arithmetic: a small Mandelbrot count
  local inside = 0
  for py = 0, 23 do
    for px = 0, 31 do
      local cr, ci = px / 16 - 1.5, py / 12 - 1.0
      local zr, zi, k = 0.0, 0.0, 0
      while k < 40 and zr * zr + zi * zi <= 4.0 do
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        k = k + 1
      end
      if k == 40 then inside = inside + 1 end
    end
  end
  mix(inside)

  -- integer bit operations
  local h = round
  for i = 1, 2000 do
    h = ((h ~ (h << 5)) + i) & 0xffffffff
  end
  mix(h % 1000000007)
end
return sum
