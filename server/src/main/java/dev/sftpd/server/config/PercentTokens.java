// sshd's %-tokens in per-user paths (%h home, %u user name, %U uid, %% a percent sign), expanded at login.
package dev.sftpd.server.config;

import java.util.Map;

final class PercentTokens {
    private PercentTokens() {}

    /** Whether {@code pattern} holds the token %{@code key} ("%%" is a percent sign, not a token). */
    static boolean uses(String pattern, char key) {
        for (int i = 0; i < pattern.length() - 1; i++) {
            if (pattern.charAt(i) == '%') {
                if (pattern.charAt(++i) == key) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @throws IllegalArgumentException for a token values has no entry for, or a '%' ending the pattern */
    static String expand(String pattern, Map<Character, String> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i == pattern.length()) {
                throw new IllegalArgumentException("'%' at the end");
            }
            char key = pattern.charAt(i);
            String value = key == '%' ? "%" : values.get(key);
            if (value == null) {
                throw new IllegalArgumentException("unknown key %" + key);
            }
            out.append(value);
        }
        return out.toString();
    }
}
