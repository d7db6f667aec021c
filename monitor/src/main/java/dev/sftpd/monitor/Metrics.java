// What the monitor's connections count for the daemon's metrics; the daemon exposes them (MetricsListenAddress).
package dev.sftpd.monitor;

/**
 * The calls live here, beside the code that counts, and the counting where the daemon keeps its
 * registry, so that no Prometheus class is needed to build or test the monitor. Thread-safe.
 */
public interface Metrics {
    /** Counts nothing: for a monitor session outside a daemon (tests). */
    Metrics NONE = new Metrics() {
        @Override
        public void authentication(String method, String result) {
        }

        @Override
        public void operation(String type) {
        }
    };

    /**
     * One authentication attempt's result.
     *
     * @param method publickey, password or keyboard-interactive
     * @param result accepted, partial (one method of an AuthenticationMethods list) or failed
     */
    void authentication(String method, String result);

    /**
     * One SFTP request of this type (sftp-server's name: open, read, write, remove...), as the audit
     * reports of a session reach the monitor: requests an engine served but never reported (it was
     * killed before its next report) are not counted.
     */
    void operation(String type);
}
