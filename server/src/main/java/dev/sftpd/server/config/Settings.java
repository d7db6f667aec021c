// The values one block of the configuration sets (the global block, or one Match block), by keyword.
package dev.sftpd.server.config;

import java.util.HashMap;
import java.util.Map;

final class Settings {
    private final Map<Keyword<?>, Object> values = new HashMap<>();

    /** A line's value: kept or combined with an earlier line's as the keyword says (first one wins, mostly). */
    <T> void add(Keyword<T> keyword, T value) {
        values.merge(keyword, value, (earlier, later) -> keyword.combine().apply(cast(earlier), cast(later)));
    }

    /** Whether a line set the keyword here. */
    boolean has(Keyword<?> keyword) {
        return values.containsKey(keyword);
    }

    /** The value set here, else the keyword's default. */
    <T> T get(Keyword<T> keyword) {
        return values.containsKey(keyword) ? cast(values.get(keyword)) : keyword.defaultValue();
    }

    /** Every value other sets replaces this one's: -p and -h over the file, the matching blocks over the global. */
    void overlay(Settings other) {
        values.putAll(other.values);
    }

    /** Another block's values added as its lines would add them here: after this block's, first one winning. */
    void addAll(Settings later) {
        later.values.forEach((keyword, value) -> add(keyword(keyword), value));
    }

    Settings copy() {
        Settings copy = new Settings();
        copy.values.putAll(values);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Keyword<Object> keyword(Keyword<?> keyword) {
        return (Keyword<Object>) keyword;
    }

    @SuppressWarnings("unchecked") // add() files each value under its own keyword, so the types agree.
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
