// The daemon's Prometheus metrics: every counter, gauge and histogram, and the HTTP endpoint MetricsListenAddress names.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Built with the Prometheus Java client (its text exposition, its JVM collectors); the library is
 * on the daemon's class path only (Launcher leaves it out of every child's). The names are listed in
 * docs/SCALE.md. Counting costs little, so it always runs; only the endpoint depends on the
 * configuration. Thread-safe.
 */
final class MonitorMetrics implements Metrics {
    private static final SshLog log = SshLog.get(MonitorMetrics.class);
    /** Seconds: a transport or engine JVM takes 0.2 to a few seconds to be ready. */
    private static final double[] SPAWN_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 5, 10, 30};
    /** Seconds: from a pooled process, milliseconds; from an empty pool, a JVM's start. */
    private static final double[] HANDOVER_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5,
            10, 30};

    /** What the metrics read from the daemon when scraped, rather than count as it happens. */
    interface Live {
        /** Admitted connections not yet ended. */
        int connections();

        /** SFTP sessions (engines) running. */
        int sessions();

        /** Bytes received from clients, and acknowledged by them, on every connection so far. */
        long receivedBytes();

        long sentBytes();

        /** Ready processes in each pool, and how many each keeps, by pool name. */
        Map<String, int[]> pools();

        /** Sources with a penalty, by address family (ipv4, ipv6). */
        Map<String, Integer> penalisedSources();
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter connections = Counter.builder().name("sftpd_connections")
            .help("Connections accepted, by how they ended: authenticated, failed_authentication, no_authentication, "
                    + "login_grace_exceeded, crash, error, or refused at accept (maxstartups, penalty)")
            .labelNames("outcome").register(registry);
    private final Counter drops = Counter.builder().name("sftpd_maxstartups_drops")
            .help("Connections refused for MaxStartups or PerSourceMaxStartups").register(registry);
    private final Counter authentications = Counter.builder().name("sftpd_authentications")
            .help("Authentication attempts by method and result (accepted, partial, failed)")
            .labelNames("method", "result").register(registry);
    private final Counter penalties = Counter.builder().name("sftpd_penalties")
            .help("Penalties a source was given (PerSourcePenalties), by kind")
            .labelNames("kind").register(registry);
    private final Counter operations = Counter.builder().name("sftpd_operations")
            .help("SFTP requests by type, as the sessions' audit reports reach the monitor")
            .labelNames("type").register(registry);
    private final Histogram spawn = Histogram.builder().name("sftpd_spawn_seconds")
            .help("From spawning a transport or engine to its being ready to serve")
            .labelNames("kind").classicOnly().classicUpperBounds(SPAWN_BUCKETS).register(registry);
    private final Histogram handOver = Histogram.builder().name("sftpd_handover_seconds")
            .help("From a connection's accept to its transport holding the client socket (transport); "
                    + "from a session request to its engine being the user (engine)")
            .labelNames("kind").classicOnly().classicUpperBounds(HANDOVER_BUCKETS).register(registry);
    private Optional<HTTPServer> endpoint = Optional.empty();
    private Optional<InetSocketAddress> address = Optional.empty();

    /** The gauges and byte counters read from the daemon, and the monitor JVM's own metrics. */
    MonitorMetrics(Live live) {
        GaugeWithCallback.builder().name("sftpd_connections_open").help("Admitted connections not yet ended")
                .callback(cb -> cb.call(live.connections())).register(registry);
        GaugeWithCallback.builder().name("sftpd_sessions_open").help("SFTP sessions (engines) running")
                .callback(cb -> cb.call(live.sessions())).register(registry);
        CounterWithCallback.builder().name("sftpd_received_bytes")
                .help("TCP payload bytes received from clients (live and ended connections)")
                .callback(cb -> cb.call(live.receivedBytes())).register(registry);
        CounterWithCallback.builder().name("sftpd_sent_bytes")
                .help("TCP payload bytes sent to clients and acknowledged by them (live and ended connections)")
                .callback(cb -> cb.call(live.sentBytes())).register(registry);
        GaugeWithCallback.builder().name("sftpd_pool_ready").help("Pre-started processes ready in a pool")
                .labelNames("pool").callback(cb -> live.pools().forEach((pool, n) -> cb.call(n[0], pool)))
                .register(registry);
        GaugeWithCallback.builder().name("sftpd_pool_size").help("Processes a pool keeps ready now (its size, raised after a burst)")
                .labelNames("pool").callback(cb -> live.pools().forEach((pool, n) -> cb.call(n[1], pool)))
                .register(registry);
        GaugeWithCallback.builder().name("sftpd_penalised_sources")
                .help("Source address blocks with a penalty, active or not yet, by address family")
                .labelNames("family").callback(cb -> live.penalisedSources().forEach((family, n) -> cb.call(n, family)))
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** An admitted connection ended so, or one was refused at accept. */
    void connection(String outcome) {
        connections.labelValues(outcome).inc();
    }

    void maxStartupsDrop() {
        drops.inc();
        connection("maxstartups");
    }

    void penalty(Penalties.Kind kind) {
        penalties.labelValues(kind.label).inc();
    }

    @Override
    public void authentication(String method, String result) {
        authentications.labelValues(method, result).inc();
    }

    @Override
    public void operation(String type) {
        operations.labelValues(type).inc();
    }

    /** Times a process's start, for sftpd_spawn_seconds. */
    <T> T spawned(String kind, Starter<T> start) throws Exception {
        long begin = System.nanoTime();
        T started = start.start();
        spawn.labelValues(kind).observe(seconds(System.nanoTime() - begin));
        return started;
    }

    interface Starter<T> {
        T start() throws Exception;
    }

    /** A hand-over that began at {@code began} (System.nanoTime()) is done. */
    void handedOver(String kind, long began) {
        handOver.labelValues(kind).observe(seconds(System.nanoTime() - began));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * Serves /metrics on the address, or nowhere; a changed address closes the old endpoint. At start
     * an address that cannot be bound is an error, as a ListenAddress is.
     */
    synchronized void serveOn(Optional<InetSocketAddress> next) throws IOException {
        if (next.equals(address)) {
            return;
        }
        close();
        if (next.isPresent()) {
            ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "metrics-http");
                t.setDaemon(true);
                return t;
            });
            try {
                endpoint = Optional.of(HTTPServer.builder().inetAddress(next.get().getAddress())
                        .port(next.get().getPort()).registry(registry).executorService(threads).buildAndStart());
            } catch (IOException e) {
                threads.shutdown();
                throw new IOException("MetricsListenAddress " + Addresses.text(next.get().getAddress()) + " port "
                        + next.get().getPort() + ": " + e.getMessage(), e);
            }
            address = next;
            log.info("Serving metrics on %s port %d.", Addresses.text(next.get().getAddress()),
                    endpoint.get().getPort());
        }
    }

    synchronized void close() {
        endpoint.ifPresent(HTTPServer::close);
        endpoint = Optional.empty();
        address = Optional.empty();
    }
}
