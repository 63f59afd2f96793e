/* luaL_openlibs for bench/wasm/lua.wasm: Lua's own linit.c less the libraries that need an
 * operating system (io, os, package, debug), which wasm32-wasi does not give. */
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

static const luaL_Reg libs[] = {
    {LUA_GNAME, luaopen_base},       {LUA_COLIBNAME, luaopen_coroutine},
    {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
    {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
    {NULL, NULL},
};

LUALIB_API void luaL_openlibs(lua_State *L)
{
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
}
