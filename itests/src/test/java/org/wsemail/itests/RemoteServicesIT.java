package org.wsemail.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.ws.Holder;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.remoteserviceadmin.RemoteConstants;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SoapCaller;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.runtime.EndpointDTO;
import org.wsemail.api.runtime.RemoteEndpoints;
import org.wsemail.api.runtime.RequestCpuDTO;
import org.wsemail.itests.SoapRequests.Reply;
import org.wsemail.wire.soap.AnyXml;
import org.wsemail.wire.soap.Header;
import org.wsemail.wire.soap.MailClient;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.Message;
import org.wsemail.wire.soap.SignedMessage;

/**
 * Endpoints come into being as OSGi Remote Services: a service registered with the export
 * properties is published over SOAP with its intents enforced, an export asking for an intent the
 * server does not know is refused, and taking a service away takes its endpoint away, live.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RemoteServicesIT extends WsemailTestSupport {
    private static final String USER = "rita@demo.test";
    private static final String PASSWORD = "rita-password-1";
    private static final String READER = "rosa@demo.test";
    private static final String READER_PASSWORD = "rosa-password-1";

    @Inject
    BundleContext context;

    @Inject
    RemoteEndpoints endpoints;

    /** A mailbox service of the test's own, answering every list with one header. */
    static final class TestMailbox implements MailClient {
        static final int READ_LINES = 40;

        @Override
        public List<Header> listHeaders(XMLGregorianCalendar since) {
            Header header = new Header();
            header.setId(42);
            header.setSender("test@demo.test");
            header.setSubject("answered by the test's own service");
            header.setSize(1);
            Header seen = new Header();
            seen.setId(43);
            seen.setSender("test@demo.test");
            seen.setSubject("caller " + SoapCaller.current().map(env -> env.caller() + ", password visible: " + passwordVisible(env))
                    .orElse("unknown"));
            seen.setSize(1);
            return List.of(header, seen);
        }

        /** Whether a wsse:Password is anywhere a plug-in's code could look: the tokens or the envelope. */
        private static boolean passwordVisible(ProcessingEnvironment env) {
            String wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
            boolean inTokens = env.securityTokens().stream().anyMatch(t -> t.getElementsByTagNameNS(wsse, "Password").getLength() > 0);
            boolean inEnvelope = env.soapEnvelope().map(d -> d.getElementsByTagNameNS(wsse, "Password").getLength() > 0).orElse(false);
            return inTokens || inEnvelope;
        }

        @Override
        public void send(Message message, Holder<String> messageId, Holder<Integer> queued) throws MailFault {
            throw new UnsupportedOperationException();
        }

        /** Any id reads a message of {@value #READ_LINES} lines of text, much alike as mail is. */
        @Override
        public void retrieve(long id, List<byte[]> heldCertificate, Holder<Header> header, Holder<SignedMessage> signedMessage)
                throws MailFault {
            Header read = new Header();
            read.setId(id);
            read.setSender("test@demo.test");
            read.setSubject("read from the test's own service");
            read.setSize(1);
            header.value = read;
            try {
                org.w3c.dom.Document document = javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().newDocument();
                org.w3c.dom.Element text = document.createElementNS("urn:wsemail:test", "t:Text");
                text.setTextContent("a line of the message the test's service reads out\n".repeat(READ_LINES));
                document.appendChild(text);
                signedMessage.value = new SignedMessage();
                signedMessage.value.setAny(text);
            } catch (javax.xml.parsers.ParserConfigurationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int delete(List<Long> ids) throws MailFault {
            throw new UnsupportedOperationException();
        }

        @Override
        public AnyXml extension(String extensionId, AnyXml request) throws MailFault {
            throw new UnsupportedOperationException();
        }

        @Override
        public AnyXml requestToken(String audience) throws MailFault {
            throw new UnsupportedOperationException();
        }
    }

    private ServiceRegistration<MailClient> export(String address, String... intents) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(RemoteConstants.SERVICE_EXPORTED_INTERFACES, MailClient.class.getName());
        properties.put(RemoteConstants.SERVICE_EXPORTED_CONFIGS, SoapEndpoint.CONFIG_TYPE);
        properties.put(RemoteConstants.SERVICE_EXPORTED_INTENTS, intents);
        properties.put(SoapEndpoint.ADDRESS, address);
        properties.put(SoapEndpoint.WSDL, "wsdl/client.wsdl");
        return context.registerService(MailClient.class, new TestMailbox(), properties);
    }

    private Optional<EndpointDTO> endpoint(String address) {
        return endpoints.endpoints().stream().filter(e -> e.address().equals("/wsemail" + address)).findFirst();
    }

    private static String listHeaders(SoapRequests.Security security) {
        return SoapRequests.envelope(security == null ? "" : security.xml(), "<m:listHeaders/>");
    }

    @Test
    public void aServiceRegisteredWithTheExportPropertiesAnswersSoapWithItsIntentEnforced() throws Exception {
        runAsAdminOk("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + USER);
        ServiceRegistration<MailClient> registration = export("/it-mailbox", SoapIntents.PASSWORD_LOGIN,
                SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS);
        try {
            await("the endpoint to be published", () -> endpoint("/it-mailbox").map(EndpointDTO::published).orElse(false));
            SoapRequests soap = soap("/it-mailbox");
            assertEquals("the contract the service named is served", 200, soap.get("?wsdl").status());

            Reply anonymous = soap.post("listHeaders", listHeaders(null));
            assertTrue("a request without a UsernameToken got in: " + anonymous, anonymous.isFault());
            Reply wrongPassword = soap.post("listHeaders", listHeaders(new SoapRequests.Security(USER, "not-her-password")));
            assertTrue("a wrong password got in: " + wrongPassword, wrongPassword.isFault());

            Reply answer = soap.post("listHeaders", listHeaders(new SoapRequests.Security(USER, PASSWORD)));
            assertEquals(answer.toString(), 200, answer.status());
            assertTrue(answer.toString(), answer.body().contains("answered by the test's own service"));
            assertTrue("the service knows its caller but not their password: " + answer,
                    answer.body().contains("caller " + USER + ", password visible: false"));
            assertTrue("the answer is signed by the server (intent " + SoapIntents.SIGNED_ANSWERS + ")",
                    answer.body().contains("SignatureValue"));

            String listed = runAsViewer("wsemail:endpoint-list --no-format").output();
            assertTrue(listed, listed.contains("/wsemail/it-mailbox") && listed.contains(SoapIntents.PASSWORD_LOGIN)
                    && listed.contains("published"));

            // What the three requests cost the server in CPU, measured on the thread that served each.
            List<RequestCpuDTO> measured = endpoints.requestCpu().stream()
                    .filter(operation -> operation.address().equals("/wsemail/it-mailbox")).toList();
            RequestCpuDTO list = measured.stream().filter(operation -> operation.operation().equals("listHeaders")).findFirst()
                    .orElseThrow(() -> new AssertionError("listHeaders not measured: " + measured));
            assertEquals(measured.toString(), 1, list.answered());
            assertTrue("every stage of the answered request took some CPU: " + list,
                    list.readNanos() > 0 && list.serviceNanos() > 0 && list.answerNanos() > 0);
            assertEquals("both refused requests counted as faults: " + measured, 2,
                    measured.stream().mapToLong(RequestCpuDTO::faults).sum());
            assertTrue(measured.toString(), measured.stream().allMatch(operation -> operation.faults() == 0
                    || operation.faultNanos() > 0));
            String cpu = runAsViewer("wsemail:request-cpu --no-format").output();
            assertTrue(cpu, cpu.lines().anyMatch(line -> line.contains("/wsemail/it-mailbox") && line.contains("listHeaders")));
        } finally {
            registration.unregister();
        }
        assertTrue("unregistering the service took its endpoint down at once", endpoint("/it-mailbox").isEmpty());
        assertEquals(404, soap("/it-mailbox").get("?wsdl").status());
    }

    @Test
    public void withCompressedReadsAReadGoesGzipCompressedToACallerThatAcceptsItAndAListDoesNot() throws Exception {
        runAsAdminOk("wsemail:user-add --password-file " + passwordFile(READER_PASSWORD) + " " + READER);
        ServiceRegistration<MailClient> registration = export("/it-compressed", SoapIntents.PASSWORD_LOGIN,
                SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS, SoapIntents.COMPRESSED_READS);
        try {
            await("the endpoint to be published", () -> endpoint("/it-compressed").map(EndpointDTO::published).orElse(false));
            SoapRequests soap = soap("/it-compressed");
            String retrieve = SoapRequests.envelope(new SoapRequests.Security(READER, READER_PASSWORD).xml(), "<m:retrieve><m:id>7</m:id></m:retrieve>");
            SoapRequests.Encoded read = soap.postAcceptingGzip("retrieve", retrieve);
            assertEquals(read.text(), 200, read.status());
            assertEquals("a read goes compressed", "gzip", read.contentEncoding());
            String text = read.text();
            assertTrue("the whole message arrived: " + text, text.contains("a line of the message the test's service reads out\n"
                    .repeat(TestMailbox.READ_LINES)));
            assertTrue("the answer is signed as ever: " + text, text.contains("SignatureValue"));
            assertTrue("compression took the read to under half its size: " + read.body().length + " of " + text.length(),
                    read.body().length * 2 < text.length());

            Reply plain = soap.post("retrieve", SoapRequests.envelope(new SoapRequests.Security(READER, READER_PASSWORD).xml(),
                    "<m:retrieve><m:id>8</m:id></m:retrieve>"));
            assertEquals("a caller that does not ask for compression reads the answer as it is: " + plain, 200, plain.status());
            assertTrue(plain.toString(), plain.body().contains("reads out"));

            SoapRequests.Encoded list = soap.postAcceptingGzip("listHeaders", listHeaders(new SoapRequests.Security(READER, READER_PASSWORD)));
            assertEquals(list.text(), 200, list.status());
            assertEquals("a list is never compressed", null, list.contentEncoding());
            assertTrue("the list is over the size a read is compressed from: " + list.body().length, list.body().length > 1024);

            Reply compressedRequest = soap.postCompressed("listHeaders", listHeaders(new SoapRequests.Security(READER, READER_PASSWORD)));
            assertTrue("a compressed request is not unpacked: " + compressedRequest, compressedRequest.isFault()
                    && !compressedRequest.body().contains("answered by the test's own service"));
        } finally {
            registration.unregister();
        }
    }

    @Test
    public void anExportAskingForAnIntentTheServerDoesNotKnowIsRefusedAndNothingIsPublished() throws Exception {
        ServiceRegistration<MailClient> registration = export("/it-unknown-intent", SoapIntents.SIGNED_ANSWERS,
                "wsemail.login.anyone");
        try {
            await("the export to be refused", () -> endpoint("/it-unknown-intent").isPresent());
            EndpointDTO refused = endpoint("/it-unknown-intent").orElseThrow();
            assertFalse(refused.published());
            assertTrue(refused.refusal(), refused.refusal().startsWith(
                    "wsemail.login.anyone is not an intent of this server's SOAP endpoints"));
            assertEquals("nothing answers at its address", 404, soap("/it-unknown-intent").get("?wsdl").status());
            String listed = runAsViewer("wsemail:endpoint-list --no-format").output();
            assertTrue(listed, listed.contains("refused: wsemail.login.anyone is not an intent"));
        } finally {
            registration.unregister();
        }
        assertTrue("the refusal is forgotten with the service", endpoint("/it-unknown-intent").isEmpty());
    }

    @Test
    public void stoppingTheEndpointBundleTakesItsEndpointsDownAndStartingItBringsThemBack() throws Exception {
        Bundle endpointBundle = bundle("org.wsemail.endpoint");
        SoapRequests client = soap("/client");
        assertEquals(200, client.get("?wsdl").status());
        endpointBundle.stop();
        try {
            assertEquals("stopping the bundle took the endpoint down at once", 404, client.get("?wsdl").status());
            assertTrue(endpoint("/client").isEmpty() && endpoint("/peer").isEmpty());
        } finally {
            endpointBundle.start();
        }
        await("the endpoints to be published again", () -> List.of("/client", "/client-cert", "/client-federated", "/peer")
                .stream().allMatch(address -> endpoint(address).map(EndpointDTO::published).orElse(false)));
        assertEquals(200, client.get("?wsdl").status());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    public void theServersOwnEndpointsAreExportedServicesWithTheirIntents() throws Exception {
        await("the server's endpoints", () -> endpoint("/peer").map(EndpointDTO::published).orElse(false));
        EndpointDTO client = endpoint("/client").orElseThrow();
        assertEquals("org.wsemail.wire.soap.MailClient", client.contract());
        assertEquals(java.util.Set.of(SoapIntents.PASSWORD_LOGIN, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS,
                SoapIntents.COMPRESSED_READS), client.intents());
        assertEquals(java.util.Set.of(SoapIntents.PEER, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS),
                endpoint("/peer").orElseThrow().intents());
    }
}
