// SLF4J's binding in the JVMs sftpd starts: Logback's logger context, set up by our code alone, without Logback's start-up.
package dev.sftpd.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logback's own provider runs its ContextInitializer: it compares its jars' versions, looks for
 * Configurator services, and reports each step and its duration in status lines built by string
 * concatenation, each of whose shapes the JVM links by generating classes at run time (a class
 * archive cannot hold them in JDK 17), all for a configuration DefaultLogging then replaces.
 * Before that, SLF4J searches every jar for providers. Named by {@link #SYSTEM_PROPERTIES}, this
 * provider is the one SLF4J takes, without the search, and it sets up the context as
 * DefaultLogging does: with the string concatenations compiled inline, a pooled transport's
 * start took 23 ms of CPU less, an engine's 16 (docs/BENCHMARKS.md, 2026-12-07 15:25). A JVM
 * started without them (a test's, say) gets Logback's provider and DefaultLogging: the same
 * configuration.
 */
public final class LogbackProvider implements SLF4JServiceProvider {
    /**
     * The flags that make SLF4J take this provider, and keep quiet about having been told to;
     * and java.util.logging, which only jffi uses (for messages at FINEST), configured by
     * {@link NoJulConfiguration} instead of reading and applying the JDK's logging.properties.
     */
    public static final List<String> SYSTEM_PROPERTIES = List.of("-Dslf4j.provider=" + LogbackProvider.class.getName(),
            "-Dslf4j.internal.verbosity=WARN", "-Djava.util.logging.config.class=" + NoJulConfiguration.class.getName());

    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new LogbackMDCAdapter();

    @Override
    public void initialize() {
        context.setName("default");
        context.setMDCAdapter(mdc);
        DefaultLogging.apply(context);
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    /** The SLF4J API this is written against: any 2.0.x. */
    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
