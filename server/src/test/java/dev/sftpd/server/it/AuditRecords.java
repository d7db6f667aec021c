// The audit log's records as a JSON parser reads them (python3's json module): each line must be one JSON object.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * python3 parses every line with json.loads (a line that is not exactly one JSON object fails
 * the test) and prints each field as "line TAB key TAB value", the value in JSON (strings quoted),
 * so that the test sees the types the parser saw.
 */
record AuditRecords(List<Map<String, String>> records) {
    private static final String FLATTEN = String.join("\n",
            "import json, sys",
            "for n, line in enumerate(open(sys.argv[1], encoding='utf-8'), 1):",
            "    assert line.endswith('\\n'), 'line %d has no newline' % n",
            "    r = json.loads(line)",
            "    assert isinstance(r, dict), 'line %d is not an object' % n",
            "    for k, v in r.items():",
            "        assert not isinstance(v, (dict, list)), 'line %d: %s is not a scalar' % (n, k)",
            "        print('%d\\t%s\\t%s' % (n, k, json.dumps(v)))");

    static AuditRecords read(Path file) {
        if (!Files.exists(file)) {
            return new AuditRecords(List.of());
        }
        Outcome parsed = Run.checked("python3", "-c", FLATTEN, file.toString());
        List<Map<String, String>> records = new ArrayList<>();
        for (String line : parsed.stdout().lines().toList()) {
            String[] f = line.split("\t", 3);
            int n = Integer.parseInt(f[0]);
            while (records.size() < n) {
                records.add(new LinkedHashMap<>());
            }
            records.get(n - 1).put(f[1], f[2]);
        }
        return new AuditRecords(records);
    }

    /** A JSON string's text (tests use plain names, so no escapes to undo); a number as written. */
    static String text(Map<String, String> record, String key) {
        String v = record.get(key);
        return v != null && v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    static boolean isNumber(Map<String, String> record, String key) {
        String v = record.get(key);
        return v != null && v.matches("-?\\d+(\\.\\d+)?");
    }

    List<Map<String, String>> where(Predicate<Map<String, String>> p) {
        return records.stream().filter(p).toList();
    }

    static Predicate<Map<String, String>> is(String key, String value) {
        return r -> value.equals(text(r, key));
    }

    /** The one record that matches; fails showing them all otherwise. */
    Map<String, String> only(Predicate<Map<String, String>> p) {
        List<Map<String, String>> found = where(p);
        assertTrue(found.size() == 1, found.size() + " matching records among:\n" + this);
        return found.get(0);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        records.forEach(r -> b.append(r).append('\n'));
        return b.toString();
    }
}
