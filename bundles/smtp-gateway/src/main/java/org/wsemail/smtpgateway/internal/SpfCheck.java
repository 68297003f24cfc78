package org.wsemail.smtpgateway.internal;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.core.DNSServiceEnabled;
import org.apache.james.jspf.core.MacroExpand;
import org.apache.james.jspf.core.MacroExpandEnabled;
import org.apache.james.jspf.core.SPFCheckEnabled;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.DefaultTermsFactory;
import org.apache.james.jspf.impl.SPF;
import org.apache.james.jspf.parser.RFC4408SPF1Parser;
import org.apache.james.jspf.wiring.WiringServiceTable;
import org.wsemail.api.server.DomainResolver;

/**
 * Checks whether the connecting host may send mail for the envelope sender's domain (SPF, RFC 7208,
 * with Apache jSPF), asking the server's own name servers. The result is recorded for the
 * recipient; it decides nothing. Thread-safe: a check builds its own jSPF instance.
 */
final class SpfCheck {
    private final DnsThroughResolver dns;

    SpfCheck(DomainResolver resolver) {
        this.dns = new DnsThroughResolver(resolver);
    }

    /**
     * @param client the connecting host's address
     * @param mailFrom the envelope sender; empty for a notice, when the HELO name is checked instead
     * @return in words: {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code none},
     *     {@code temperror} or {@code permerror}, with jSPF's explanation
     */
    String check(String client, String mailFrom, String helo) {
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        thread.setContextClassLoader(SpfCheck.class.getClassLoader());
        try {
            // Wired as jSPF wires itself, but with the synchronous executor: the default asynchronous one
            // waits forever on lookups that are answered at once.
            WiringServiceTable wiring = new WiringServiceTable();
            wiring.put(DNSServiceEnabled.class, dns);
            MacroExpand macros = new MacroExpand(dns);
            wiring.put(MacroExpandEnabled.class, macros);
            SPF checker = new SPF(dns, new RFC4408SPF1Parser(new DefaultTermsFactory(wiring)), macros,
                    new SynchronousSPFExecutor(dns));
            wiring.put(SPFCheckEnabled.class, checker);
            SPFResult result = checker.checkSPF(client, mailFrom.isEmpty() ? "postmaster@" + helo : mailFrom, helo);
            String explanation = result.getExplanation();
            return result.getResult() + (explanation == null || explanation.isBlank() ? "" : " (" + explanation + ")")
                    + " for " + client + " sending as " + (mailFrom.isEmpty() ? helo : mailFrom);
        } catch (RuntimeException e) {
            return "temperror: " + e.getMessage();
        } finally {
            thread.setContextClassLoader(caller);
        }
    }

    /** jSPF's lookups, answered by the server's resolver. */
    private static final class DnsThroughResolver implements DNSService {
        private final DomainResolver resolver;
        private volatile int recordLimit = 10;

        DnsThroughResolver(DomainResolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public List<String> getRecords(DNSRequest request) throws TimeoutException {
            String type = switch (request.getRecordType()) {
                case DNSRequest.A -> "A";
                case DNSRequest.AAAA -> "AAAA";
                case DNSRequest.MX -> "MX";
                case DNSRequest.PTR -> "PTR";
                default -> "TXT";
            };
            try {
                List<String> records = resolver.records(request.getHostname(), type);
                // jSPF removes from the lists it is given, and takes null for none.
                return records.isEmpty() ? null : new ArrayList<>(records);
            } catch (UncheckedIOException e) {
                throw new TimeoutException(e.getMessage());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        @Override
        public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
            try {
                return CompletableFuture.completedFuture(getRecords(request));
            } catch (TimeoutException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public List<String> getLocalDomainNames() {
            return List.of();
        }

        @Override
        public void setTimeOut(int timeOut) {
            // the resolver's own time limit applies
        }

        @Override
        public int getRecordLimit() {
            return recordLimit;
        }

        @Override
        public void setRecordLimit(int limit) {
            this.recordLimit = limit;
        }
    }
}
