package org.wsemail.itests.e2e;

import static org.junit.Assert.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.xml.namespace.QName;
import javax.xml.transform.Source;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.Dispatch;
import javax.xml.ws.Service;
import javax.xml.ws.WebServiceException;

import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.jaxws.DispatchImpl;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.wsemail.itests.SoapRequests;
import org.wsemail.wire.security.DomainTls;

/**
 * What a client that knows nothing of WSEmail has: CXF's own dispatch client, built from a client
 * service contract as an endpoint serves it (saved with its schema, as a client's build would
 * download it), WS-Policy support on, given only the security settings a test passes.
 */
final class PlainCxfClient {
    private static final QName SERVICE = new QName(SoapRequests.MAIL_NS, "MailClientService");
    private static final QName PORT = new QName(SoapRequests.MAIL_NS, "MailClientPort");

    private final Path contract;
    private final URI endpoint;
    private final SSLContext tls;

    private PlainCxfClient(Path contract, URI endpoint, SSLContext tls) {
        this.contract = contract;
        this.endpoint = endpoint;
        this.tls = tls;
    }

    /** Downloads the contract {@code endpoint} serves into {@code folder}; {@code tls} trusts the server's domain root. */
    static PlainCxfClient of(URI endpoint, SSLContext tls, Path folder) throws Exception {
        Files.createDirectories(folder);
        SoapRequests served = new SoapRequests(endpoint, tls);
        String wsdl = served.get("?wsdl").body();
        String schemaAt = endpoint + "?xsd=wsemail.xsd";
        assertTrue(wsdl, wsdl.contains(schemaAt));
        Files.writeString(folder.resolve("wsemail.xsd"), served.get("?xsd=wsemail.xsd").body());
        Path saved = folder.resolve("contract.wsdl");
        Files.writeString(saved, wsdl.replace(schemaAt, "wsemail.xsd"));
        return new PlainCxfClient(saved, endpoint, tls);
    }

    /** The contract as it was served. */
    String contract() throws java.io.IOException {
        return Files.readString(contract);
    }

    /**
     * Calls {@code operation} with {@code payload} (the body's element, in the mail namespace as
     * prefix {@code m}) and these security settings: the answer's XML, or "refused: " and the fault.
     */
    String call(String operation, String payload, Map<String, Object> security) throws Exception {
        Dispatch<Source> dispatch = Service.create(contract.toUri().toURL(), SERVICE).createDispatch(PORT, Source.class,
                Service.Mode.PAYLOAD);
        Map<String, Object> context = dispatch.getRequestContext();
        context.put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, endpoint.toString());
        context.put(BindingProvider.SOAPACTION_USE_PROPERTY, true);
        context.put(BindingProvider.SOAPACTION_URI_PROPERTY, SoapRequests.ACTION_BASE + operation);
        context.putAll(security);
        TLSClientParameters parameters = new TLSClientParameters();
        parameters.setSSLSocketFactory(tls.getSocketFactory());
        // The server's certificate names its mail domain, not the address the test reaches it at.
        parameters.setHostnameVerifier(DomainTls.domainCheckedByTrustManager());
        ((HTTPConduit) ((DispatchImpl<?>) dispatch).getClient().getConduit()).setTlsClientParameters(parameters);
        try {
            Source answer = dispatch.invoke(new StreamSource(new StringReader(payload.replaceFirst("<m:(\\w+)",
                    "<m:$1 xmlns:m=\"" + SoapRequests.MAIL_NS + "\""))));
            StringWriter xml = new StringWriter();
            TransformerFactory.newInstance().newTransformer().transform(answer, new StreamResult(xml));
            return xml.toString();
        } catch (WebServiceException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** Answers every password question with {@code secret}. */
    static CallbackHandler secret(String secret) {
        return callbacks -> {
            for (Callback callback : callbacks) {
                ((WSPasswordCallback) callback).setPassword(secret);
            }
        };
    }
}
