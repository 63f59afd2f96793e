/* The exports of bench/wasm/lua.wasm (bench/lua/build.sh), and the benchmark program: a Lua
 * state that runs a chunk. Natively (bench/build-native.sh) only run, through bench_run. */
#include <stddef.h>
#include <stdint.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

/* bench/lua/bench.lua as a string literal, BENCH_LUA (the build scripts generate it) */
#include "bench_lua.h"

/* Runs bench/lua/bench.lua with n rounds; its checksum, or -1 when it did not load or run.
 * (Lua's errors trap in Wasm and abort natively, LUAI_THROW: -1 is for a state that could not
 * be made.) */
#ifdef __wasm__
__attribute__((export_name("run")))
#endif
int32_t run(int32_t n)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return -1;
    luaL_openlibs(L);
    int32_t sum = -1;
    if (luaL_loadbuffer(L, BENCH_LUA, sizeof BENCH_LUA - 1, "bench.lua") == LUA_OK) {
        lua_pushinteger(L, n);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK)
            sum = (int32_t)lua_tointeger(L, -1);
    }
    lua_close(L);
    return sum;
}

#ifdef __wasm__
/* Runs the Lua chunk of len bytes at src in a new state; 0 when it loaded and ran. */
__attribute__((export_name("run_chunk"))) int run_chunk(const char *src, int len)
{
    lua_State *L = luaL_newstate();
    if (!L)
        return -1;
    luaL_openlibs(L);
    int rc = luaL_loadbuffer(L, src, (size_t)len, "chunk") || lua_pcall(L, 0, 0, 0);
    lua_close(L);
    return rc;
}

/* A buffer of n bytes (at most 65536) for the chunk, NULL when larger. */
__attribute__((export_name("buffer"))) char *buffer(int n)
{
    static char chunk[65536];
    return n >= 0 && n <= (int)sizeof chunk ? chunk : NULL;
}
#else
int64_t bench_run(int32_t n);
int64_t bench_run(int32_t n) { return run(n); }
#endif
