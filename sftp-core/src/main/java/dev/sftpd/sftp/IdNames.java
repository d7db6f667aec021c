// Names of uids or gids as a lookup gives them, remembered as BSD's user_from_uid does, up to a bound.
package dev.sftpd.sftp;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * An ls -l of a large directory asks for the same few owners over and over; a directory of files
 * owned by thousands of ids must not grow the cache without end, so past the bound an id is
 * looked up each time.
 */
public final class IdNames {
    private static final int LIMIT = 1024;

    private final Map<Integer, Optional<String>> names = new ConcurrentHashMap<>();
    private final IntFunction<Optional<String>> lookup;

    public IdNames(IntFunction<Optional<String>> lookup) {
        this.lookup = lookup;
    }

    public Optional<String> name(int id) {
        Optional<String> name = names.get(id);
        if (name == null) {
            name = lookup.apply(id);
            if (names.size() < LIMIT) {
                names.put(id, name);
            }
        }
        return name;
    }
}
