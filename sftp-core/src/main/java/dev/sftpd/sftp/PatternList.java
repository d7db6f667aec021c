// OpenSSH pattern lists ("*", "?" wildcards and "!" negation), as match_pattern_list() in match.c.
package dev.sftpd.sftp;

import java.util.List;

/**
 * A name matches when some pattern matches it and no negated pattern does: the
 * semantics sshd uses for from= key options, AllowUsers and Match blocks.
 */
public record PatternList(List<String> patterns) {
    public static PatternList parse(String list) {
        return new PatternList(List.of(list.split(",", -1)));
    }

    public boolean matches(String name) {
        boolean matched = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            String pattern = negated ? p.substring(1) : p;
            if (matchPattern(name, pattern)) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /** match_pattern(): '*' matches any run (also empty), '?' one character; case-sensitive. */
    static boolean matchPattern(String s, String pattern) {
        int si = 0, pi = 0, starP = -1, starS = 0;
        while (si < s.length()) {
            if (pi < pattern.length() && (pattern.charAt(pi) == '?' || pattern.charAt(pi) == s.charAt(si))) {
                si++;
                pi++;
            } else if (pi < pattern.length() && pattern.charAt(pi) == '*') {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < pattern.length() && pattern.charAt(pi) == '*') {
            pi++;
        }
        return pi == pattern.length();
    }
}
