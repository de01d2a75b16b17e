/*
 * The C side of the Lua bridge: the Lua 5.4 C API, the macros that do not import into Swift as static inline
 * functions, and the trampoline through which every Swift function is called from Lua.
 *
 * The rule: Lua may raise an error (longjmp) only from C frames. Swift functions never call anything that can
 * raise; they return a status to the trampoline, which raises after Swift has returned.
 */
#ifndef DMAP_CLUA_SHIM_H
#define DMAP_CLUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* A Swift function as seen by the trampoline: returns the number of results, or DMAP_RAISE with the error value on
 * top of the stack. */
typedef int (*dmap_SwiftFunction)(lua_State *L);
#define DMAP_RAISE (-1)

/* Calls the Swift dispatcher held in upvalue 1 (a light userdata holding a function pointer); raises when it says so. */
static inline int dmap_trampoline(lua_State *L) {
    dmap_SwiftFunction fn = (dmap_SwiftFunction)lua_touserdata(L, lua_upvalueindex(1));
    int n = fn(L);
    if (n == DMAP_RAISE) {
        return lua_error(L);
    }
    return n;
}

/* Pushes a C closure that calls `dispatch` through the trampoline. The `nup` values on top of the stack become
 * upvalues 2 ... nup+1. */
static inline void dmap_pushswiftclosure(lua_State *L, dmap_SwiftFunction dispatch, int nup) {
    lua_pushlightuserdata(L, (void *)dispatch);
    if (nup > 0) {
        lua_insert(L, -(nup + 1));
    }
    lua_pushcclosure(L, dmap_trampoline, nup + 1);
}

/* Macros as functions. */
static inline int dmap_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int dmap_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void dmap_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void dmap_newtable(lua_State *L) { lua_newtable(L); }
static inline int dmap_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
static inline const char *dmap_tostring(lua_State *L, int idx) { return lua_tostring(L, idx); }
static inline int dmap_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline void dmap_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void dmap_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void dmap_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline void *dmap_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
static inline int dmap_getuservalue(lua_State *L, int idx) { return lua_getiuservalue(L, idx, 1); }
static inline int dmap_setuservalue(lua_State *L, int idx) { return lua_setiuservalue(L, idx, 1); }
static inline int dmap_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name) {
    return luaL_loadbufferx(L, buf, len, name, NULL);
}
static inline int dmap_gc_count_kb(lua_State *L) { return lua_gc(L, LUA_GCCOUNT, 0); }
static inline void dmap_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT, 0); }
static inline const char *dmap_lua_release(void) { return LUA_RELEASE; }

#endif
