// Test helper: one scrape of the daemon's metrics endpoint, read by Prometheus' own Python parser (python3-prometheus-client).
package dev.sftpd.server.it;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every sample by name and labels, as "name{k=v,k=v}" with the labels in order. The text is fetched
 * and parsed by prometheus_client's parser, so a malformed exposition fails the scrape.
 */
record Scrape(Map<String, Double> samples) {
    /** Debian's, where its python3-prometheus-client is (bin/setup installs it), whatever else is on PATH. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PARSER = """
            import sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            text = urllib.request.urlopen(sys.argv[1], timeout=30).read().decode('utf-8')
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    labels = ','.join(k + '=' + v for k, v in sorted(s.labels.items()))
                    print('%s{%s}\\t%r' % (s.name, labels, s.value))
            """;

    static Scrape of(String url) {
        Outcome parsed = Run.run(List.of(PYTHON, "-c", PARSER, url), new byte[0]).assertExit(0);
        Map<String, Double> samples = new HashMap<>();
        parsed.stdout().lines().forEach(line -> {
            String[] fields = line.split("\t");
            samples.put(fields[0], Double.valueOf(fields[1]));
        });
        return new Scrape(Map.copyOf(samples));
    }

    /** A sample's value; 0 for a labelled series not yet seen (a counter not yet incremented). */
    double value(String sample) {
        return samples.getOrDefault(sample, 0.0);
    }

    boolean has(String sample) {
        return samples.containsKey(sample);
    }
}
