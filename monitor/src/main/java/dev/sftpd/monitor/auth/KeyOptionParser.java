// OpenSSH's sshauthopt_parse(): authorized_keys options, read left to right with the same faults and words.
package dev.sftpd.monitor.auth;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Order matters as in sshd ("pty,restrict" ends with no pty, "restrict,pty" with one), so the
 * options are read here rather than through MINA's map, which also keeps backslash-quote escapes
 * and merges repeated from= clauses that sshd rejects.
 */
final class KeyOptionParser {
    private static final int MAX_ENVIRONMENT = 1024;
    private static final int NI_MAXHOST = 1025;
    private static final int TUNID_MAX = Integer.MAX_VALUE - 2;

    private final String s;
    private int pos;

    private boolean restrict;
    private boolean certAuthority;
    private boolean portForwarding = true;
    private boolean agentForwarding = true;
    private boolean x11Forwarding = true;
    private boolean pty = true;
    private boolean userRc = true;
    private boolean noTouchRequired;
    private boolean verifyRequired;
    private String command;
    private String principals;
    private String from;
    private Instant expiry;
    private String tunnel;
    private final List<String> environment = new ArrayList<>();
    private final List<String> permitOpen = new ArrayList<>();
    private final List<String> permitListen = new ArrayList<>();

    KeyOptionParser(String line) {
        this.s = line;
    }

    KeyOptions parse() {
        while (pos < s.length() && !blank(s.charAt(pos))) {
            int r;
            if (flag("restrict", false) != -1) {
                restrict = true;
                portForwarding = agentForwarding = x11Forwarding = pty = userRc = false;
            } else if (flag("cert-authority", false) != -1) {
                certAuthority = true;
            } else if ((r = flag("port-forwarding", true)) != -1) {
                portForwarding = r == 1;
            } else if ((r = flag("agent-forwarding", true)) != -1) {
                agentForwarding = r == 1;
            } else if ((r = flag("x11-forwarding", true)) != -1) {
                x11Forwarding = r == 1;
            } else if ((r = flag("touch-required", true)) != -1) {
                noTouchRequired = r != 1;
            } else if ((r = flag("verify-required", true)) != -1) {
                verifyRequired = r == 1;
            } else if ((r = flag("pty", true)) != -1) {
                pty = r == 1;
            } else if ((r = flag("user-rc", true)) != -1) {
                userRc = r == 1;
            } else if (valued("command")) {
                command = once(command, "command");
            } else if (valued("principals")) {
                principals = once(principals, "principals");
            } else if (valued("from")) {
                from = once(from, "from");
            } else if (valued("expiry-time")) {
                Instant t = absoluteTime(dequote());
                // Several expiry-time options: the earliest one holds.
                if (expiry == null || t.isBefore(expiry)) {
                    expiry = t;
                }
            } else if (valued("environment")) {
                environment(dequote());
            } else if (valued("permitopen")) {
                permitOpen.add(permit(dequote(), false));
            } else if (valued("permitlisten")) {
                permitListen.add(permit(dequote(), true));
            } else if (valued("tunnel")) {
                tunnel = tunnel(dequote());
            }
            if (pos == s.length() || blank(s.charAt(pos))) {
                break;
            }
            // Anything but a comma here means no option above recognised the text.
            if (s.charAt(pos) != ',') {
                throw new IllegalArgumentException("unknown key option");
            }
            pos++;
            if (pos == s.length()) {
                throw new IllegalArgumentException("unexpected end-of-options");
            }
        }
        return new KeyOptions(restrict, Optional.ofNullable(command),
                from == null ? List.of() : List.of(from.split(",", -1)),
                !portForwarding, !pty, !x11Forwarding, !agentForwarding, !userRc, certAuthority,
                Optional.ofNullable(principals), environment, permitOpen, permitListen,
                Optional.ofNullable(tunnel), Optional.ofNullable(expiry), noTouchRequired, verifyRequired);
    }

    /** opt_flag(): 1 for "name", 0 for "no-name" (when negation is allowed), -1 when neither starts here. */
    private int flag(String name, boolean negatable) {
        int at = pos;
        boolean negated = negatable && s.regionMatches(true, at, "no-", 0, 3);
        if (negated) {
            at += 3;
        }
        if (!s.regionMatches(true, at, name, 0, name.length())) {
            return -1;
        }
        pos = at + name.length();
        return negated ? 0 : 1;
    }

    /** opt_match(): "name=" here, case-insensitively. */
    private boolean valued(String name) {
        if (s.regionMatches(true, pos, name, 0, name.length()) && pos + name.length() < s.length()
                && s.charAt(pos + name.length()) == '=') {
            pos += name.length() + 1;
            return true;
        }
        return false;
    }

    private String once(String previous, String name) {
        if (previous != null) {
            throw new IllegalArgumentException("multiple \"" + name + "\" clauses");
        }
        return dequote();
    }

    /** opt_dequote(): a double-quoted value in which only \" is an escape. */
    private String dequote() {
        if (pos == s.length() || s.charAt(pos) != '"') {
            throw new IllegalArgumentException("missing start quote");
        }
        StringBuilder out = new StringBuilder();
        int i = pos + 1;
        while (i < s.length() && s.charAt(i) != '"') {
            if (s.charAt(i) == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                i++;
            }
            out.append(s.charAt(i++));
        }
        if (i == s.length()) {
            throw new IllegalArgumentException("missing end quote");
        }
        pos = i + 1;
        return out.toString();
    }

    private void environment(String value) {
        if (environment.size() > MAX_ENVIRONMENT) {
            throw new IllegalArgumentException("too many environment strings");
        }
        int eq = value.indexOf('=');
        if (eq <= 0 || !value.substring(0, eq).chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_'))) {
            throw new IllegalArgumentException("invalid environment string");
        }
        String prefix = value.substring(0, eq + 1);
        if (environment.stream().noneMatch(e -> e.startsWith(prefix))) {
            environment.add(value);
        }
    }

    /** handle_permit(): host:port, [v6]:port or host/port; port a number or "*"; a bare port in permitlisten. */
    private static String permit(String value, boolean bareListenPort) {
        String spec = bareListenPort && value.indexOf(':') < 0 ? "*:" + value : value;
        int end;
        if (spec.startsWith("[")) {
            end = spec.indexOf(']') + 1;
            if (end == 0) {
                throw new IllegalArgumentException("invalid permission hostname");
            }
        } else {
            end = firstOf(spec, ":/");
        }
        if (end < spec.length() && spec.charAt(end) != ':' && spec.charAt(end) != '/') {
            throw new IllegalArgumentException("invalid permission hostname");
        }
        if (end >= NI_MAXHOST) {
            throw new IllegalArgumentException("invalid permission hostname");
        }
        if (end == spec.length() || !validPort(spec.substring(end + 1))) {
            throw new IllegalArgumentException("invalid permission port");
        }
        return spec;
    }

    private static int firstOf(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    /** a2port() without the services database: a number from 1 to 65535, or "*" for any. */
    private static boolean validPort(String p) {
        if (p.equals("*")) {
            return true;
        }
        return p.length() <= 5 && !p.isEmpty() && p.chars().allMatch(c -> c >= '0' && c <= '9')
                && Integer.parseInt(p) >= 1 && Integer.parseInt(p) <= 65535;
    }

    /** a2tun(): "any" or a device number. */
    private static String tunnel(String value) {
        if (value.equalsIgnoreCase("any")) {
            return "any";
        }
        try {
            int unit = Integer.parseInt(value);
            if (unit >= 0 && unit <= TUNID_MAX) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the same refusal as an out-of-range number
        }
        throw new IllegalArgumentException("invalid tun device");
    }

    /** parse_absolute_time(): YYYYMMDD[HHMM[SS]], in local time unless suffixed Z or UTC. */
    static Instant absoluteTime(String value) {
        String t = value;
        ZoneId zone = ZoneId.systemDefault();
        if (t.length() > 1 && t.regionMatches(true, t.length() - 1, "Z", 0, 1)) {
            t = t.substring(0, t.length() - 1);
            zone = ZoneOffset.UTC;
        } else if (t.length() > 3 && t.regionMatches(true, t.length() - 3, "UTC", 0, 3)) {
            t = t.substring(0, t.length() - 3);
            zone = ZoneOffset.UTC;
        }
        try {
            if (!t.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("invalid expires time");
            }
            LocalDateTime when = switch (t.length()) {
                case 8 -> LocalDate.parse(t, strict("uuuuMMdd")).atStartOfDay();
                case 12 -> LocalDateTime.parse(t, strict("uuuuMMddHHmm"));
                case 14 -> LocalDateTime.parse(t, strict("uuuuMMddHHmmss"));
                default -> throw new IllegalArgumentException("invalid expires time");
            };
            Instant instant = when.atZone(zone).toInstant();
            // sshd stores 0 for "no expiry" and refuses times before the epoch.
            if (instant.getEpochSecond() <= 0) {
                throw new IllegalArgumentException("invalid expires time");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid expires time");
        }
    }

    private static DateTimeFormatter strict(String pattern) {
        return DateTimeFormatter.ofPattern(pattern).withResolverStyle(ResolverStyle.STRICT);
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }
}
