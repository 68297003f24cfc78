package org.wsemail.remoteservices.internal;

import java.io.IOException;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.xml.namespace.QName;

import org.apache.aries.rsa.annotations.RSADistributionProvider;
import org.apache.aries.rsa.spi.DistributionProvider;
import org.apache.aries.rsa.spi.Endpoint;
import org.apache.aries.rsa.spi.IntentUnsatisfiedException;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.dosgi.common.intent.IntentManager;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.feature.Feature;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.ConduitInitiatorManager;
import org.apache.cxf.transport.DestinationFactoryManager;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.apache.cxf.ws.policy.WSPolicyFeature;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.remoteserviceadmin.EndpointDescription;
import org.osgi.service.remoteserviceadmin.RemoteConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.runtime.EndpointDTO;
import org.wsemail.api.runtime.RemoteEndpoints;
import org.wsemail.api.runtime.RequestCpuDTO;

/**
 * The distribution provider of this server's SOAP endpoints: Remote Service Admin hands it every
 * service exported with the configuration type {@value SoapEndpoint#CONFIG_TYPE}, and it publishes
 * the service with CXF (JAX-WS) at the service's {@value SoapEndpoint#ADDRESS} below the CXF
 * servlet, with the contract the service names ({@value SoapEndpoint#WSDL}) and every intent the
 * export asks for. Intents are CXF features that other bundles register as services named by
 * cxf-dosgi's {@value IntentManager#INTENT_NAME_PROP}; an export that asks for an intent this
 * provider does not know, or one that is not registered now, is refused and nothing is published.
 * Closing an export (the service unregistered, its bundle stopped) takes the endpoint down.
 *
 * <p>It also answers {@link RemoteEndpoints} for the shell: what is published where, what was
 * refused and why, and what each operation's requests have cost in CPU ({@link RequestCpu}).
 * Thread-safe.
 */
@RSADistributionProvider(configs = SoapEndpoint.CONFIG_TYPE)
@Component(service = {DistributionProvider.class, RemoteEndpoints.class},
        property = {RemoteConstants.REMOTE_CONFIGS_SUPPORTED + "=" + SoapEndpoint.CONFIG_TYPE,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.PASSWORD_LOGIN,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.CERTIFICATE_LOGIN,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.FEDERATED_LOGIN,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.PEER,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.SIGNED_ANSWERS,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.XML_LIMITS,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.STREAMED_ATTACHMENTS,
            RemoteConstants.REMOTE_INTENTS_SUPPORTED + "=" + SoapIntents.COMPRESSED_READS})
public class SoapDistributionProvider implements DistributionProvider, RemoteEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(SoapDistributionProvider.class);

    /** The intents this provider applies: all of {@link SoapIntents}. */
    static final Set<String> KNOWN_INTENTS = Set.of(SoapIntents.PASSWORD_LOGIN, SoapIntents.CERTIFICATE_LOGIN,
            SoapIntents.FEDERATED_LOGIN, SoapIntents.PEER, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS,
            SoapIntents.STREAMED_ATTACHMENTS, SoapIntents.COMPRESSED_READS);

    /** The servlet context the CXF servlet serves, below which addresses are (feature wsemail-endpoint sets it). */
    private static final String CONTEXT = "/wsemail";

    private final IntentManager intents;
    private final Bus bus;
    private final BundleContext context;
    /** Forgets a refused export when its service goes (a published one is forgotten when its endpoint closes). */
    private final ServiceListener refusalsForgotten = this::forgetRefusal;
    /** Live and refused exports, by the id of the exported service. */
    private final Map<Long, EndpointDTO> exports = new ConcurrentHashMap<>();
    /** The CPU time of every endpoint's requests, or null if this JVM cannot measure it. */
    private final RequestCpu requestCpu = RequestCpu.ofThisJvm();

    @Activate
    public SoapDistributionProvider(BundleContext context, @Reference HTTPTransportFactory http,
            @Reference IntentManager intents) throws InvalidSyntaxException {
        this.intents = intents;
        this.bus = withClassLoader(SoapDistributionProvider.class.getClassLoader(), () -> bus(http));
        this.context = context;
        context.addServiceListener(refusalsForgotten, "(" + RemoteConstants.SERVICE_EXPORTED_INTERFACES + "=*)");
    }

    private void forgetRefusal(ServiceEvent event) {
        if (event.getType() == ServiceEvent.UNREGISTERING) {
            long id = (Long) event.getServiceReference().getProperty(Constants.SERVICE_ID);
            exports.computeIfPresent(id, (key, endpoint) -> endpoint.published() ? endpoint : null);
        }
    }

    @Deactivate
    void deactivate() {
        context.removeServiceListener(refusalsForgotten);
        bus.shutdown(true);
    }

    /**
     * A bus whose HTTP destinations are the CXF servlet's on Karaf's web server (so a relative
     * address like {@code /client} is served under {@value #CONTEXT}), and whose clients use the
     * same transport.
     */
    private static Bus bus(HTTPTransportFactory http) {
        Bus bus = BusFactory.newInstance().createBus();
        DestinationFactoryManager destinations = bus.getExtension(DestinationFactoryManager.class);
        ConduitInitiatorManager conduits = bus.getExtension(ConduitInitiatorManager.class);
        for (String transport : http.getTransportIds()) {
            destinations.registerDestinationFactory(transport, http);
            conduits.registerConduitInitiator(transport, http);
        }
        return bus;
    }

    @Override
    public String[] getSupportedTypes() {
        return new String[] {SoapEndpoint.CONFIG_TYPE};
    }

    @Override
    public Endpoint exportService(Object service, BundleContext serviceContext, Map<String, Object> properties,
            Class[] interfaces) {
        Object id = properties.getOrDefault(RemoteConstants.ENDPOINT_SERVICE_ID, properties.get(Constants.SERVICE_ID));
        long serviceId = id instanceof Number number ? number.longValue() : -1;
        String bundle = serviceContext.getBundle().getSymbolicName();
        String address = String.valueOf(properties.getOrDefault(SoapEndpoint.ADDRESS, ""));
        Set<String> asked = new TreeSet<>(intents.getExported(properties));
        String contract = interfaces.length == 1 ? interfaces[0].getName() : List.of(interfaces).toString();
        List<ServiceReference<Feature>> used = new ArrayList<>();
        try {
            if (interfaces.length != 1) {
                throw new IllegalArgumentException("a SOAP endpoint exports one interface, not " + contract);
            }
            if (!address.startsWith("/") || address.length() < 2) {
                throw new IllegalArgumentException("give the path to publish at in " + SoapEndpoint.ADDRESS + ", e.g. /client");
            }
            List<Feature> features = features(asked, used);
            Server server = publish(service, interfaces[0], address, String.valueOf(properties.getOrDefault(SoapEndpoint.WSDL, "")),
                    features, policies(used));
            EndpointDescription description = description(properties, interfaces[0], address, asked);
            exports.put(serviceId, new EndpointDTO(CONTEXT + address, contract, asked, bundle, serviceId, null, Instant.now()));
            LOG.info("Published {} from {} at {}{} with intents {}", contract, bundle, CONTEXT, address, asked);
            return new PublishedEndpoint(description, server, () -> {
                release(used);
                exports.remove(serviceId);
                LOG.info("Took down the endpoint {}{} of {}", CONTEXT, address, bundle);
            });
        } catch (RuntimeException e) {
            release(used);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            exports.put(serviceId, new EndpointDTO(CONTEXT + address, contract, asked, bundle, serviceId, reason, Instant.now()));
            LOG.error("Refused to publish {} from {} at {}{}: {}", contract, bundle, CONTEXT, address, reason);
            throw e;
        }
    }

    /**
     * The CXF features of the intents, looked up in the service registry as the export happens: an
     * export runs inside the dispatch of the service's registration event, which may come before
     * listeners (trackers, cxf-dosgi's intent manager among them) have heard of an intent registered
     * just before it. Refuses unknown intents and absent ones; the services got are released when
     * the endpoint closes.
     */
    private List<Feature> features(Set<String> asked, List<ServiceReference<Feature>> used) {
        for (String intent : asked) {
            if (!KNOWN_INTENTS.contains(intent)) {
                throw new IntentUnsatisfiedException(intent + " is not an intent of this server's SOAP endpoints (known: "
                        + new TreeSet<>(KNOWN_INTENTS) + ")");
            }
        }
        List<Feature> features = new ArrayList<>();
        for (String intent : asked) {
            Feature feature = null;
            try {
                for (ServiceReference<Feature> reference : context.getServiceReferences(Feature.class,
                        "(" + IntentManager.INTENT_NAME_PROP + "=" + intent + ")")) {
                    feature = context.getService(reference);
                    if (feature != null) {
                        used.add(reference);
                        break;
                    }
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            if (feature == null) {
                throw new IntentUnsatisfiedException(intent + " is not available now: the bundle that applies it"
                        + " (org.wsemail.endpoint) is not running");
            }
            features.add(feature);
        }
        return features;
    }

    /**
     * The WS-SecurityPolicy of each intent that states one, from the bundle that registered the
     * intent ({@link StatedContract#policyEntry}); {@code used} holds the intents the export asked for.
     */
    private static List<Element> policies(List<ServiceReference<Feature>> used) {
        List<Element> policies = new ArrayList<>();
        for (ServiceReference<Feature> reference : used) {
            Object intent = reference.getProperty(IntentManager.INTENT_NAME_PROP);
            URL entry = reference.getBundle() == null ? null
                    : reference.getBundle().getEntry(StatedContract.policyEntry(String.valueOf(intent)));
            if (entry != null) {
                policies.add(StatedContract.policy(entry));
            }
        }
        return policies;
    }

    private void release(List<ServiceReference<Feature>> used) {
        for (ServiceReference<Feature> reference : used) {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException alreadyGone) {
                // this bundle is stopping: the framework releases what it got
            }
        }
    }

    /**
     * Publishes the service. With a contract, it is served (and enforced) with the intents'
     * policies attached, from a copy of the endpoint's own; without one, CXF builds the contract
     * from the interface and the policies are attached to the endpoint.
     */
    private Server publish(Object service, Class<?> contract, String address, String wsdl, List<Feature> features,
            List<Element> policies) {
        return withClassLoader(new BundlesClassLoader(contract.getClassLoader(), SoapDistributionProvider.class.getClassLoader()),
                () -> {
                    JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
                    factory.setBus(bus);
                    factory.setServiceClass(contract);
                    factory.setServiceBean(service);
                    factory.setAddress(address);
                    if (!wsdl.isEmpty()) {
                        URL location = contract.getClassLoader().getResource(wsdl);
                        if (location == null) {
                            throw new IllegalArgumentException("no contract " + wsdl + " beside " + contract.getName());
                        }
                        Wsdl.ServiceAndPort names = Wsdl.serviceAndPort(location);
                        URL served = policies.isEmpty() ? location
                                : StatedContract.write(location, policies, context.getDataFile("contracts" + address).toPath());
                        factory.setWsdlLocation(served.toExternalForm());
                        factory.setServiceName(names.service());
                        factory.setEndpointName(names.port());
                    } else if (!policies.isEmpty()) {
                        WSPolicyFeature policy = new WSPolicyFeature();
                        policy.setPolicyElements(policies);
                        factory.getFeatures().add(policy);
                    }
                    factory.getFeatures().addAll(features);
                    if (requestCpu != null) {
                        factory.getFeatures().add(requestCpu.measuring(CONTEXT + address));
                    }
                    return factory.create();
                });
    }

    private static EndpointDescription description(Map<String, Object> properties, Class<?> contract, String address,
            Set<String> asked) {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            if (!key.startsWith("service.exported.")) {
                endpoint.put(key, value);
            }
        });
        endpoint.put(Constants.OBJECTCLASS, new String[] {contract.getName()});
        endpoint.put(RemoteConstants.ENDPOINT_ID, CONTEXT + address);
        endpoint.put(RemoteConstants.SERVICE_IMPORTED_CONFIGS, new String[] {SoapEndpoint.CONFIG_TYPE});
        endpoint.put(RemoteConstants.SERVICE_INTENTS, asked.toArray(new String[0]));
        return new EndpointDescription(endpoint);
    }

    /**
     * Imports are not how this server calls other servers (its peer transport finds each domain's
     * servers by DNS and checks them by their certificates); an endpoint of this type is imported
     * only without intents, as a plain JAX-WS client of its address.
     */
    @Override
    public Object importEndpoint(ClassLoader loader, BundleContext consumerContext, Class[] interfaces,
            EndpointDescription endpoint) {
        if (!endpoint.getIntents().isEmpty()) {
            throw new IntentUnsatisfiedException(endpoint.getIntents().get(0) + " cannot be applied to an import");
        }
        return withClassLoader(loader, () -> {
            JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(interfaces[0]);
            factory.setAddress(endpoint.getId());
            return factory.create();
        });
    }

    @Override
    public List<EndpointDTO> endpoints() {
        return exports.values().stream().sorted((a, b) -> a.address().compareTo(b.address())).toList();
    }

    @Override
    public List<RequestCpuDTO> requestCpu() {
        return requestCpu == null ? List.of() : requestCpu.totals();
    }

    private static <T> T withClassLoader(ClassLoader loader, Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** An endpoint published with CXF; closing it destroys the server and forgets the export. */
    private static final class PublishedEndpoint implements Endpoint {
        private final EndpointDescription description;
        private final Server server;
        private final Runnable closed;

        PublishedEndpoint(EndpointDescription description, Server server, Runnable closed) {
            this.description = description;
            this.server = server;
            this.closed = closed;
        }

        @Override
        public EndpointDescription description() {
            return description;
        }

        @Override
        public void close() throws IOException {
            server.destroy();
            closed.run();
        }
    }

    /**
     * The service's bundle first (its contract's classes and resources), then this one (CXF's):
     * CXF and JAXB look classes up through the context class loader.
     */
    private static final class BundlesClassLoader extends ClassLoader {
        private final ClassLoader contract;

        BundlesClassLoader(ClassLoader contract, ClassLoader provider) {
            super(provider);
            this.contract = contract;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            return contract.loadClass(name);
        }

        @Override
        protected URL findResource(String name) {
            return contract.getResource(name);
        }

        @Override
        protected java.util.Enumeration<URL> findResources(String name) throws IOException {
            return contract.getResources(name);
        }
    }
}
