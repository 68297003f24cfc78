package org.wsemail.endpoint.internal;

import java.util.function.Supplier;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.transport.ConduitInitiatorManager;
import org.apache.cxf.transport.DestinationFactoryManager;
import org.apache.cxf.transport.http.HTTPTransportFactory;

/**
 * CXF buses for this bundle. Each is wired explicitly to the HTTP transport that CXF registers as an
 * OSGi service, whose destinations are served by the CXF servlet on Karaf's HTTP service, so that
 * endpoints published with a relative address ({@code /client}) appear under its context
 * ({@code /wsemail}) and clients use the same transport.
 */
final class Buses {

    private Buses() {
    }

    static Bus create(HTTPTransportFactory http) {
        return withBundleClassLoader(() -> {
            Bus bus = BusFactory.newInstance().createBus();
            DestinationFactoryManager destinations = bus.getExtension(DestinationFactoryManager.class);
            ConduitInitiatorManager conduits = bus.getExtension(ConduitInitiatorManager.class);
            for (String transport : http.getTransportIds()) {
                destinations.registerDestinationFactory(transport, http);
                conduits.registerConduitInitiator(transport, http);
            }
            return bus;
        });
    }

    /** CXF and JAXB look classes up through the context class loader: make it this bundle's. */
    static <T> T withBundleClassLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Buses.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
