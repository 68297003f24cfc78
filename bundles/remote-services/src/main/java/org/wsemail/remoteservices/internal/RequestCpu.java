package org.wsemail.remoteservices.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.apache.cxf.Bus;
import org.apache.cxf.feature.AbstractFeature;
import org.apache.cxf.interceptor.InterceptorProvider;
import org.apache.cxf.interceptor.MessageSenderInterceptor;
import org.apache.cxf.interceptor.OutgoingChainInterceptor;
import org.apache.cxf.message.Exchange;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.service.model.BindingOperationInfo;
import org.apache.cxf.wsdl.interceptors.DocLiteralInInterceptor;
import org.wsemail.api.runtime.RequestCpuDTO;

/**
 * What each operation of each endpoint costs in CPU on the thread that serves it: a CXF feature
 * per endpoint ({@link #measuring}) reads the thread's CPU clock when the request comes in, when its
 * body starts to be unmarshalled (reading and security checks done), when the service has returned,
 * and when the answer (or a fault) has been written, and adds the differences up by address and
 * operation. A request is served on one thread from end to end (the endpoints are synchronous), so
 * the differences are its own. Thread-safe; four clock reads a request.
 */
final class RequestCpu {
    /** The operation of a request refused before its operation was known. */
    static final String UNKNOWN = "(unknown)";

    private final LongSupplier threadCpu;
    private final Map<Key, Totals> totals = new ConcurrentHashMap<>();

    private record Key(String address, String operation) {
    }

    private static final class Totals {
        final LongAdder answered = new LongAdder();
        final LongAdder read = new LongAdder();
        final LongAdder service = new LongAdder();
        final LongAdder answer = new LongAdder();
        final LongAdder faults = new LongAdder();
        final LongAdder fault = new LongAdder();
    }

    /** The clock reads of one request, kept in its exchange. */
    private static final class Marks {
        final long received;
        long read = -1;
        long served = -1;

        Marks(long received) {
            this.received = received;
        }
    }

    /** @param threadCpu the current thread's CPU time in nanoseconds */
    RequestCpu(LongSupplier threadCpu) {
        this.threadCpu = threadCpu;
    }

    /** Measured with the JVM's per-thread CPU clock, or null if this JVM has none (or has it off). */
    static RequestCpu ofThisJvm() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled()
                ? new RequestCpu(threads::getCurrentThreadCpuTime) : null;
    }

    /** The feature that measures the requests of the endpoint at {@code address}. */
    AbstractFeature measuring(String address) {
        return new AbstractFeature() {
            @Override
            protected void initializeProvider(InterceptorProvider provider, Bus bus) {
                provider.getInInterceptors().add(new Mark(Phase.RECEIVE, null, null) {
                    @Override
                    void mark(Exchange exchange, long now) {
                        exchange.put(Marks.class, new Marks(now));
                    }
                });
                provider.getInInterceptors().add(new Mark(Phase.UNMARSHAL, DocLiteralInInterceptor.class.getName(), null) {
                    @Override
                    void mark(Exchange exchange, long now) {
                        marks(exchange).read = now;
                    }
                });
                provider.getInInterceptors().add(new Mark(Phase.POST_INVOKE, OutgoingChainInterceptor.class.getName(), null) {
                    @Override
                    void mark(Exchange exchange, long now) {
                        marks(exchange).served = now;
                    }
                });
                provider.getInInterceptors().add(new Mark(Phase.POST_INVOKE, null, OutgoingChainInterceptor.class.getName()) {
                    @Override
                    void mark(Exchange exchange, long now) {
                        Marks marks = marks(exchange);
                        if (marks.served >= 0) {
                            answered(address, operation(exchange), marks, now);
                        }
                    }
                });
                provider.getOutFaultInterceptors().add(new Mark(Phase.PREPARE_SEND_ENDING, null,
                        MessageSenderInterceptor.MessageSenderEndingInterceptor.class.getName()) {
                    @Override
                    void mark(Exchange exchange, long now) {
                        Marks marks = marks(exchange);
                        if (marks.received >= 0) {
                            Totals sum = totals.computeIfAbsent(new Key(address, operation(exchange)), key -> new Totals());
                            sum.faults.increment();
                            sum.fault.add(now - marks.received);
                        }
                    }
                });
            }
        };
    }

    private void answered(String address, String operation, Marks marks, long now) {
        Totals sum = totals.computeIfAbsent(new Key(address, operation), key -> new Totals());
        long read = marks.read >= 0 ? marks.read : marks.received;
        sum.answered.increment();
        sum.read.add(read - marks.received);
        sum.service.add(marks.served - read);
        sum.answer.add(now - marks.served);
    }

    private static Marks marks(Exchange exchange) {
        Marks marks = exchange == null ? null : exchange.get(Marks.class);
        return marks == null ? new Marks(-1) : marks;
    }

    private static String operation(Exchange exchange) {
        BindingOperationInfo operation = exchange == null ? null : exchange.getBindingOperationInfo();
        return operation == null ? UNKNOWN : operation.getName().getLocalPart();
    }

    /** The totals so far, by address and operation. */
    List<RequestCpuDTO> totals() {
        return totals.entrySet().stream()
                .map(entry -> {
                    Totals sum = entry.getValue();
                    return new RequestCpuDTO(entry.getKey().address(), entry.getKey().operation(), sum.answered.sum(),
                            sum.read.sum(), sum.service.sum(), sum.answer.sum(), sum.faults.sum(), sum.fault.sum());
                })
                .sorted(Comparator.comparing(RequestCpuDTO::address).thenComparing(RequestCpuDTO::operation))
                .toList();
    }

    /** An interceptor that reads the thread's CPU clock at its place in the chain. */
    private abstract class Mark extends AbstractPhaseInterceptor<Message> {
        Mark(String phase, String before, String after) {
            super(phase);
            if (before != null) {
                addBefore(before);
            }
            if (after != null) {
                addAfter(after);
            }
        }

        @Override
        public void handleMessage(Message message) {
            mark(message.getExchange(), threadCpu.getAsLong());
        }

        abstract void mark(Exchange exchange, long now);
    }
}
