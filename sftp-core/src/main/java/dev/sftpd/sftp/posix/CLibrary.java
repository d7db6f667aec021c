// A shared library's functions as the final fields of a subclass, each found when the subclass is constructed.
package dev.sftpd.sftp.posix;

import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * A subclass declares one {@link CFunction} field per function it calls, initialised with
 * {@link #function}; constructing it opens the library and finds every one, so that a library
 * lacking one is refused at once rather than in the middle of a session.
 */
public abstract class CLibrary {
    private final Library library;

    /** @throws UnsatisfiedLinkError when the library does not load, or (from a field) lacks a function */
    protected CLibrary(String soname) {
        // dlopen(RTLD_LAZY | RTLD_GLOBAL), once per process; jnr-ffi opens libraries the same way.
        library = Library.getCachedInstance(soname, Library.LAZY | Library.GLOBAL);
        if (library == null) {
            throw new UnsatisfiedLinkError(Library.getLastError());
        }
    }

    protected final CFunction function(String name, Type result, Type... parameters) {
        return CFunction.find(library, name, result, parameters);
    }

    /** A variadic function (prctl, syscall): the first {@code fixed} parameters are the named ones. */
    protected final CFunction variadic(String name, int fixed, Type result, Type... parameters) {
        return CFunction.variadic(library, name, fixed, result, parameters);
    }
}
