// Zeroed native memory for the structs libc calls take (msghdr, posix_spawn's), freed when closed.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.MEMORY;

/** Addresses are the block's address plus an offset within the size it was made with. */
final class NativeBlock implements AutoCloseable {
    final long address;

    NativeBlock(long size) {
        address = MEMORY.allocateMemory(size, true);
        if (address == 0) {
            throw new OutOfMemoryError("native block of " + size + " bytes");
        }
    }

    @Override
    public void close() {
        MEMORY.freeMemory(address);
    }
}
