/* The exports of bench/wasm/lua.wasm (bench/lua/build.sh): a Lua state that runs a chunk. */
#include <stddef.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

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
