package org.wsemail.itests.e2e;

import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.itests.SoapRequests;
import org.wsemail.itests.SoapRequests.Reply;
import org.wsemail.itests.SoapRequests.Security;
import org.wsemail.security.Pki;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.MessageSignatures;
import org.wsemail.wire.soap.Header;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.SignedMessage;

/**
 * The security of one real server (a.test on 127.0.0.4). Attacks, each sent as the bytes an attacker
 * would send: every one is refused with a SOAP fault, and afterwards the mailbox and the queue are as
 * they were (a hand-written request that follows the rules is accepted, so the refusals are not an
 * accident of how the requests are written). TLS: only HTTPS, and only to a server of the right
 * domain. Certificate login with the domain's own authority, until the certificate is revoked.
 */
public class SecurityIT {
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Attack test CA", Duration.ofDays(1));
    private static final String ALICE = "alice@a.test";
    private static final String PASSWORD = "alice-password-1";

    private static ServerProcess server;
    private static SoapRequests soap;
    private static long keptMessageId;

    @BeforeClass
    public static void startServer() throws Exception {
        Path root = Path.of("target", "e2e-attacks").toAbsolutePath();
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        server = new ServerProcess(Path.of(System.getProperty("wsemail.assembly")), root, "a.test", "127.0.0.4", 18400);
        server.credentials(CA, "tls.client.auth = want");
        // A name is locked out after 5 failed logins here (10 by default), so that the test is quick.
        server.settings("org.wsemail.endpoint.cfg", "login.lockout.failures = 5");
        server.start();
        server.shell("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + ALICE);
        soap = new SoapRequests(java.net.URI.create(server.base() + "/client"), server.tls());

        alice().send(List.of(Address.parse(ALICE)), "Keep me", "This message must survive every attack.");
        keptMessageId = inbox().stream().filter(h -> h.getSubject().equals("Keep me")).findFirst().orElseThrow().getId();
    }

    @AfterClass
    public static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static WsemailClient alice() {
        return new WsemailClient(server.base(), Address.parse(ALICE), PASSWORD.toCharArray(),
                Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    private static List<Header> inbox() throws Exception {
        return alice().inbox(Instant.EPOCH);
    }

    /** Nothing an attack did is visible: the kept message is there, nothing new arrived or was queued. */
    private static void assertNothingChanged() throws Exception {
        List<Header> headers = inbox();
        assertEquals("the mailbox changed: " + headers.stream().map(Header::getSubject).toList(), 1, headers.size());
        assertEquals(keptMessageId, headers.get(0).getId());
        assertFalse(server.shell("wsemail:queue-list --no-format").contains(ALICE));
    }

    private static String listHeaders(Security security) {
        return SoapRequests.envelope(security.xml(), "<m:listHeaders/>");
    }

    private static String send(Security security, String subject) {
        return SoapRequests.envelope(security.xml(), "<m:send><m:message><m:recipient>" + ALICE + "</m:recipient><m:subject>"
                + subject + "</m:subject><m:body>hello</m:body></m:message></m:send>");
    }

    /** The generic answer to every failed security check; why it failed goes only to the server's log. */
    private static final String SECURITY_FAULT = "A security error was encountered when verifying the message";

    /** Refused with the security fault, and the server's log says why. */
    private static void assertRefusedFor(String reason, String request) throws Exception {
        long mark = server.logMark();
        Reply reply = soap.post("send", request);
        assertEquals(reply.toString(), SECURITY_FAULT, reply.faultString());
        assertLogged(mark, reason);
    }

    /** The log is written in the background: wait a little for the line. */
    private static void assertLogged(long mark, String text) throws Exception {
        String log = server.awaitLog(mark, written -> written.contains(text), Duration.ofSeconds(10));
        assertTrue("the log should say '" + text + "': " + log, log.contains(text));
    }

    private static void assertRefused(Reply reply, String expectedFault) {
        assertTrue("expected a fault, got " + reply, reply.isFault());
        assertEquals(reply.toString(), 500, reply.status());
        assertTrue("'" + reply.faultString() + "' should say '" + expectedFault + "'", reply.faultString().contains(expectedFault));
    }

    @Test
    public void aHandWrittenRequestThatFollowsTheRulesIsAccepted() throws Exception {
        Reply reply = soap.post("listHeaders", listHeaders(new Security(ALICE, PASSWORD)));
        assertEquals(reply.toString(), 200, reply.status());
        assertTrue(reply.toString(), reply.body().contains("Keep me"));
        // Signed by the server with its Ed25519 message signing key. A caller that names no answer
        // certificate it holds gets the certificate in the answer.
        java.security.cert.X509Certificate signer = answerCertificate(reply);
        assertTrue("the answer's certificate names the domain: " + signer,
                org.wsemail.wire.security.DomainTls.dnsNames(signer).contains("a.test"));
        assertEquals("Ed25519", MessageSignatures.keyKind(signer.getPublicKey()));
        assertTrue(reply.toString(), reply.body().contains("Algorithm=\"http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519\""));
        // A caller that names it is answered with it named by its thumbprint instead.
        String thumbprint = thumbprint(signer);
        Reply named = soap.post("listHeaders", SoapRequests.envelope(new Security(ALICE, PASSWORD).xml() + heldSigner(thumbprint),
                "<m:listHeaders/>"));
        assertTrue("the answer names the certificate the caller holds: " + named, named.body().contains("SignatureValue")
                && named.body().contains("#ThumbprintSHA1\">" + thumbprint + "<") && !named.body().contains("BinarySecurityToken"));
        assertTrue(named.toString(), reply.body().length() - named.body().length() > 500);
        // One that names another certificate (here the server's TLS certificate) gets the answer's.
        Reply other = soap.post("listHeaders", SoapRequests.envelope(new Security(ALICE, PASSWORD).xml()
                + heldSigner(thumbprint(server.tlsCertificate())), "<m:listHeaders/>"));
        assertEquals(other.toString(), signer, answerCertificate(other));
        Reply fault = soap.post("listHeaders", listHeaders(new Security(ALICE, "not-her-password")));
        assertTrue("a fault is signed too: " + fault, fault.isFault() && fault.body().contains("SignatureValue"));
        // The client names the certificate once an answer carried it: its later answers are smaller by it.
        WsemailClient client = alice();
        client.inbox(Instant.EPOCH);
        long first = client.lastResponseBytes();
        client.inbox(Instant.EPOCH);
        assertTrue("the client's second answer does not carry the certificate: " + first + " then "
                + client.lastResponseBytes() + " bytes", first - client.lastResponseBytes() > 500);
    }

    /** The certificate an answer's security header carries. */
    private static java.security.cert.X509Certificate answerCertificate(Reply reply) throws Exception {
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("BinarySecurityToken[^>]*>([^<]+)<").matcher(reply.body());
        assertTrue("the answer carries its certificate: " + reply, token.find());
        return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(java.util.Base64.getMimeDecoder().decode(token.group(1))));
    }

    private static String thumbprint(java.security.cert.X509Certificate certificate) throws Exception {
        return java.util.Base64.getEncoder().encodeToString(
                java.security.MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
    }

    /** The request header in which a caller names the answer certificate it holds. */
    private static String heldSigner(String thumbprint) {
        return "<sa:heldSigner xmlns:sa=\"http://wsemail.org/2026/mail/signed-answers\">" + thumbprint + "</sa:heldSigner>";
    }

    @Test
    public void everyUsernameTokenFailureGetsTheSameFaultSoUsersCannotBeEnumerated() throws Exception {
        Map<String, Security> abuses = new LinkedHashMap<>();
        abuses.put("wrong password", new Security(ALICE, "not-her-password"));
        abuses.put("unknown user", new Security("nobody@a.test", PASSWORD));
        abuses.put("empty user name", new Security("", PASSWORD));
        abuses.put("no user name", new Security(null, PASSWORD));
        abuses.put("no password", new Security(ALICE, null));
        abuses.put("empty password", new Security(ALICE, ""));
        Security noNonce = new Security(ALICE, PASSWORD);
        noNonce.nonce = null;
        abuses.put("no nonce", noNonce);
        Security noCreated = new Security(ALICE, PASSWORD);
        noCreated.created = null;
        abuses.put("no creation time", noCreated);
        Security digest = new Security(ALICE, PASSWORD);
        digest.passwordType = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
        abuses.put("digest instead of the password", digest);

        List<String> faults = new ArrayList<>();
        for (Map.Entry<String, Security> abuse : abuses.entrySet()) {
            Reply reply = soap.post("send", send(abuse.getValue(), "Forged: " + abuse.getKey()));
            assertTrue(abuse.getKey() + " was accepted: " + reply, reply.isFault());
            faults.add(reply.faultString());
        }
        assertEquals("one fault for every failure: " + faults, 1, faults.stream().distinct().count());
        assertEquals(SECURITY_FAULT, faults.get(0));
        assertNothingChanged();
    }

    @Test
    public void aReplayedRequestIsRefusedSoAMessageIsSentOnce() throws Exception {
        byte[] request = send(new Security(ALICE, PASSWORD), "Sent once").getBytes(StandardCharsets.UTF_8);
        Reply first = soap.post(SoapRequests.ACTION_BASE + "send", request);
        assertEquals(first.toString(), 200, first.status());
        long mark = server.logMark();
        Reply replay = soap.post(SoapRequests.ACTION_BASE + "send", request);
        assertEquals("the replay was not refused as one: " + replay, SECURITY_FAULT, replay.faultString());
        assertLogged(mark, "replay");

        long copies = inbox().stream().filter(h -> h.getSubject().equals("Sent once")).count();
        assertEquals(1, copies);
        Header sent = inbox().stream().filter(h -> h.getSubject().equals("Sent once")).findFirst().orElseThrow();
        assertEquals(1, alice().delete(List.of(sent.getId())));
        assertNothingChanged();
    }

    @Test
    public void staleAndFarFutureTokensAreRefusedButClockSkewOfMinutesIsAllowed() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Security expired = new Security(ALICE, PASSWORD);
        expired.created = now.minusSeconds(600);
        expired.timestampCreated = now.minusSeconds(600);
        expired.timestampExpires = now.minusSeconds(480);
        assertRefusedFor("The message timestamp has expired", send(expired, "Expired"));

        Security oldToken = new Security(ALICE, PASSWORD);
        oldToken.created = now.minusSeconds(900);
        assertRefusedFor("created too long ago", send(oldToken, "Old token"));

        Security future = new Security(ALICE, PASSWORD);
        future.timestampCreated = now.plusSeconds(3600);
        future.timestampExpires = now.plusSeconds(3700);
        assertRefusedFor("future", send(future, "Timestamp from the future"));

        Security futureToken = new Security(ALICE, PASSWORD);
        futureToken.created = now.plusSeconds(3600);
        assertRefusedFor("future", send(futureToken, "Token from the future"));

        Security noExpiry = new Security(ALICE, PASSWORD);
        noExpiry.timestampExpires = null;
        assertRefusedFor("does not contain an expires Element", send(noExpiry, "No expiry"));

        Security noTimestamp = new Security(ALICE, PASSWORD);
        noTimestamp.timestampCreated = null;
        // The policy the contract states requires the Timestamp: CXF refuses the request for it.
        assertRefusedFor("does not satisfy the endpoint's security policy", send(noTimestamp, "No timestamp"));
        assertNothingChanged();

        // A party whose clock runs two minutes ahead (up to five are allowed) is served.
        Security skewed = new Security(ALICE, PASSWORD);
        skewed.created = now.plusSeconds(120);
        skewed.timestampCreated = now.plusSeconds(120);
        skewed.timestampExpires = now.plusSeconds(240);
        Reply reply = soap.post("listHeaders", listHeaders(skewed));
        assertEquals("two minutes of clock skew are allowed: " + reply, 200, reply.status());
    }

    @Test
    public void documentTypeDeclarationsAreRefusedSoNoEntityIsExpandedOrFetched() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
                + SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(),
                        "<m:send><m:message><m:recipient>" + ALICE + "</m:recipient><m:subject>XXE</m:subject>"
                                + "<m:body>&secret;</m:body></m:message></m:send>");
        Reply reply = soap.post("send", xxe);
        assertRefused(reply, "the request was refused: it contains a document type declaration (DOCTYPE), which is never accepted");
        assertFalse("the file was read: " + reply, reply.body().contains("root:"));

        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY l0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            bomb.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        bomb.append("]>").append(SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(),
                "<m:send><m:message><m:recipient>" + ALICE + "</m:recipient><m:subject>Bomb</m:subject>"
                        + "<m:body>&l9;</m:body></m:message></m:send>"));
        assertRefused(soap.post("send", bomb.toString()), "document type declaration");
        assertNothingChanged();
    }

    @Test
    public void overlyLargeDeepOrWideRequestsAreRefusedWhileTheyAreRead() throws Exception {
        String deep = "<x>".repeat(200) + "</x>".repeat(200);
        assertRefused(soap.post("extension", SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(),
                "<m:extension><m:extensionId>urn:test</m:extensionId><m:request>" + deep + "</m:request></m:extension>")),
                "the request was refused: it exceeds a limit of this server: Maximum Element Depth limit (48) Exceeded");

        StringBuilder attributes = new StringBuilder("<x");
        for (int i = 0; i < 600; i++) {
            attributes.append(" a").append(i).append("=\"").append(i).append('"');
        }
        attributes.append("/>");
        assertRefused(soap.post("extension", SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(),
                "<m:extension><m:extensionId>urn:test</m:extensionId><m:request>" + attributes + "</m:request></m:extension>")),
                "the request was refused: it exceeds a limit of this server: Attribute limit (500) exceeded");

        String manyIds = "<m:id>999999</m:id>".repeat(5000);
        assertRefused(soap.post("delete", SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(),
                "<m:delete>" + manyIds + "</m:delete>")), "the request was refused: it exceeds a limit of this server: Maximum Number of Child Elements limit (2000) Exceeded");

        String huge = "x".repeat(2 * 1024 * 1024);
        Reply reply = soap.post("send", SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(),
                "<m:send><m:message><m:recipient>" + ALICE + "</m:recipient><m:subject>Huge</m:subject><m:body>" + huge
                        + "</m:body></m:message></m:send>"));
        assertRefused(reply, "the request was refused: it exceeds a limit of this server: Request size limit (349525 bytes) exceeded");
        assertNothingChanged();
        assertEquals(200, soap.post("listHeaders", listHeaders(new Security(ALICE, PASSWORD))).status());
    }

    @Test
    public void aSoapActionThatDisagreesWithTheBodyIsRefused() throws Exception {
        String delete = SoapRequests.envelope(new Security(ALICE, PASSWORD).xml(), "<m:delete><m:id>" + keptMessageId + "</m:id></m:delete>");
        Reply reply = soap.post("listHeaders", delete);
        assertRefused(reply, "Unexpected wrapper element {http://wsemail.org/2026/mail}delete found");
        assertNothingChanged();
    }

    @Test
    public void httpGetPublishesTheContractButRunsNoOperation() throws Exception {
        Reply wsdl = soap.get("?wsdl");
        assertEquals(200, wsdl.status());
        assertTrue(wsdl.body().contains("MailClientService"));

        for (String query : List.of("", "/delete?id=" + keptMessageId, "?method=delete&id=" + keptMessageId)) {
            Reply reply = soap.get(query);
            assertFalse("GET " + query + " answered like an operation: " + reply,
                    reply.status() == 200 && reply.body().contains("Response"));
        }
        assertNothingChanged();
    }

    /**
     * The served contract states the client service's security policy, and a client that knows
     * nothing of WSEmail (CXF's own dispatch client, built from the contract as served, policy
     * support on) works with only Alice's credentials set (her name and password; on the
     * certificate endpoint her certificate and key) and the TLS trust every client needs. One
     * setting more for signed requests: WS-SecurityPolicy 1.2 has no algorithm suite with
     * RSA-SHA256 signatures, the only ones this server takes. The policy is enforced: without a
     * password the same client is refused.
     */
    @Test
    public void aPlainCxfClientBuiltFromTheServedContractLogsInWithOnlyCredentials() throws Exception {
        Path contracts = server.home.getParent().resolve("served-contracts");
        PlainCxfClient byPassword = PlainCxfClient.of(java.net.URI.create(server.base() + "/client"), server.tls(),
                contracts.resolve("password"));
        String stated = byPassword.contract();
        for (String assertion : List.of("TransportBinding", "HttpsToken", "IncludeTimestamp", "SignedSupportingTokens",
                "UsernameToken", "Nonce", "Created", "Basic256Sha256")) {
            assertTrue("the contract should state " + assertion + ": " + stated, stated.contains(assertion));
        }
        String listing = byPassword.call("listHeaders", "<m:listHeaders/>", Map.of(
                org.apache.cxf.ws.security.SecurityConstants.USERNAME, ALICE,
                org.apache.cxf.ws.security.SecurityConstants.CALLBACK_HANDLER, PlainCxfClient.secret(PASSWORD)));
        assertTrue(listing, listing.contains("Keep me"));

        PlainCxfClient byCertificate = PlainCxfClient.of(java.net.URI.create(server.base() + "/client-cert"), server.tls(),
                contracts.resolve("certificate"));
        String certificateStated = byCertificate.contract();
        assertTrue(certificateStated, certificateStated.contains("EndorsingSupportingTokens")
                && certificateStated.contains("X509Token") && !certificateStated.contains("UsernameToken"));
        Path p12 = aliceCertificate("alice-plain-client");
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            keys.load(in, "p12-secret-1".toCharArray());
        }
        org.apache.wss4j.common.crypto.Merlin alicesKey = new org.apache.wss4j.common.crypto.Merlin();
        alicesKey.setKeyStore(keys);
        String signed = byCertificate.call("listHeaders", "<m:listHeaders/>", Map.of(
                org.apache.cxf.ws.security.SecurityConstants.SIGNATURE_USERNAME, keys.aliases().nextElement(),
                org.apache.cxf.ws.security.SecurityConstants.SIGNATURE_CRYPTO, alicesKey,
                org.apache.cxf.ws.security.SecurityConstants.CALLBACK_HANDLER, PlainCxfClient.secret("p12-secret-1"),
                org.apache.cxf.ws.security.SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM,
                org.apache.wss4j.dom.WSConstants.RSA_SHA256));
        assertTrue(signed, signed.contains("Keep me"));

        // The policy is enforced: the same client without a password is refused by it, nothing read.
        String refusal = byPassword.call("listHeaders", "<m:listHeaders/>",
                Map.of(org.apache.cxf.ws.security.SecurityConstants.USERNAME, ALICE));
        assertTrue(refusal, refusal.startsWith("refused:"));
        assertNothingChanged();
    }

    @Test
    public void addressingHeadersCannotSendTheReplyOrFaultElsewhere() throws Exception {
        try (ServerSocket elsewhere = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String target = "http://127.0.0.1:" + elsewhere.getLocalPort() + "/steal";
            String addressing = "<wsa:MessageID xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">urn:uuid:1</wsa:MessageID>"
                    + "<wsa:ReplyTo xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><wsa:Address>" + target + "</wsa:Address></wsa:ReplyTo>"
                    + "<wsa:FaultTo xmlns:wsa=\"http://www.w3.org/2005/08/addressing\"><wsa:Address>" + target + "</wsa:Address></wsa:FaultTo>";
            Security good = new Security(ALICE, PASSWORD);
            good.extraHeaders = addressing;
            Reply reply = soap.post("listHeaders", listHeaders(good));
            assertEquals("the reply came back to the caller: " + reply, 200, reply.status());
            assertTrue(reply.body().contains("Keep me"));

            Security bad = new Security(ALICE, "not-her-password");
            bad.extraHeaders = addressing;
            assertTrue(soap.post("listHeaders", listHeaders(bad)).isFault());

            elsewhere.setSoTimeout(2000);
            try {
                elsewhere.accept().close();
                fail("the server connected to the ReplyTo/FaultTo address");
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
        }
    }

    @Test
    public void aFloodOfGuessesWithHugeUniqueNoncesLeavesTheHeapBoundedAndGoodUsersServed() throws Exception {
        InetAddress flooder = InetAddress.getByName("127.0.0.44");
        long before = server.heapUsedAfterGc();
        long mark = server.logMark();
        int requests = 300;
        int nonceBytes = 192 * 1024; // 256 KiB in base64: 75 MiB of unique nonces in all
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < requests; i++) {
                    Security guess = new Security("flood" + i + "@a.test", "guess-number-" + i);
                    guess.nonce = java.util.Base64.getEncoder().encodeToString(SoapRequests.randomBytes(nonceBytes));
                    Reply reply = soap.postFrom(flooder, "listHeaders", listHeaders(guess).getBytes(StandardCharsets.UTF_8));
                    if (SECURITY_FAULT.equals(reply.faultString())) {
                        refused.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        flood.start();
        int servedDuringFlood = 0;
        while (flood.isAlive()) {
            assertEquals("alice is served while the flood runs", keptMessageId, inbox().get(0).getId());
            servedDuringFlood++;
        }
        flood.join();
        assertEquals(null, failure.get());
        assertEquals("every guess is refused", requests, refused.get());
        assertTrue("alice was served during the flood", servedDuringFlood > 0);
        long grown = server.heapUsedAfterGc() - before;
        assertTrue("the heap grew by " + (grown >> 20) + " MiB after " + (requests * (long) nonceBytes * 4 / 3 >> 20)
                + " MiB of nonces", grown < 32L << 20);
        assertLogged(mark, "Logins delayed for client address 127.0.0.44");
        assertLogged(mark, "Refused a login of flood");
        assertNothingChanged();
    }

    @Test
    public void aNameThatFailsTooOftenMustWaitThenIsLockedOutAndBothAreLogged() throws Exception {
        String lou = "lou@a.test";
        String secret = "lou-password-12";
        server.shell("wsemail:user-add --password-file " + passwordFile(secret) + " " + lou);
        InetAddress from = InetAddress.getByName("127.0.0.45");
        long mark = server.logMark();
        for (int i = 0; i < 4; i++) {
            assertEquals(SECURITY_FAULT, soap.postFrom(from, "listHeaders", bytes(listHeaders(new Security(lou, "wrong-" + i))))
                    .faultString());
        }
        assertEquals("the right password, too soon after 4 failures", SECURITY_FAULT,
                soap.postFrom(from, "listHeaders", bytes(listHeaders(new Security(lou, secret)))).faultString());
        assertLogged(mark, "Refused a login of lou@a.test from 127.0.0.45 without checking its password: user must wait");
        assertLogged(mark, "Logins delayed for user lou@a.test after 4 failed attempts");
        awaitLogin(from, lou, secret);

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!server.logSince(mark).contains("Logins locked out for user lou@a.test after 5 failed attempts")) {
            assertTrue("lou was never locked out: " + server.logSince(mark), System.nanoTime() < deadline);
            soap.postFrom(from, "listHeaders", bytes(listHeaders(new Security(lou, "wrong-again"))));
            Thread.sleep(200);
        }
        assertEquals("locked out: even the right password is refused", SECURITY_FAULT,
                soap.postFrom(from, "listHeaders", bytes(listHeaders(new Security(lou, secret)))).faultString());
        assertLogged(mark, "without checking its password: user locked out after 5 failed logins; try again in");
    }

    private static byte[] bytes(String request) {
        return request.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until the right password gets in again (after a delay has passed). */
    private static void awaitLogin(InetAddress from, String user, String secret) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Reply reply = soap.postFrom(from, "listHeaders", bytes(listHeaders(new Security(user, secret))));
        while (reply.status() != 200) {
            assertTrue("never let in again: " + reply, System.nanoTime() < deadline);
            Thread.sleep(100);
            reply = soap.postFrom(from, "listHeaders", bytes(listHeaders(new Security(user, secret))));
        }
    }

    @Test
    public void aPasswordOverPlainHttpIsRefusedAndTheClientWillNotSendOne() throws Exception {
        SoapRequests plain = new SoapRequests(java.net.URI.create("http://" + server.ip + ":" + server.httpPort + "/wsemail/client"),
                server.tls());
        server.shell("config:edit org.wsemail.security", "config:property-set http.enabled true", "config:update");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!answers(plain)) {
                assertTrue("plain HTTP never opened", System.nanoTime() < deadline);
                Thread.sleep(250);
            }
            long mark = server.logMark();
            Reply reply = plain.post("send", send(new Security(ALICE, PASSWORD), "Over plain HTTP"));
            assertEquals(reply.toString(), "Passwords are accepted only over HTTPS: this request came over plain HTTP and was"
                    + " refused; treat the password it carried as exposed and change it", reply.faultString());
            assertLogged(mark, "Refused a password login from 127.0.0.1 over plain HTTP");
        } finally {
            server.shell("config:edit org.wsemail.security", "config:property-set http.enabled false", "config:update");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (answers(plain)) {
            assertTrue("plain HTTP never closed again", System.nanoTime() < deadline);
            Thread.sleep(250);
        }
        server.awaitReady();
        try {
            new WsemailClient(java.net.URI.create("http://" + server.ip + ":" + server.httpPort + "/wsemail"), Address.parse(ALICE),
                    PASSWORD.toCharArray(), Set.of(new TrustAnchor(CA.certificate(), null)));
            fail("the client would send a password over plain HTTP");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("the server URL must start with https://"));
        }
        assertNothingChanged();
    }

    private static boolean answers(SoapRequests plain) {
        try {
            return plain.get("?wsdl").status() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    public void theFilesHoldingPasswordsAreReadableByTheServersAccountAlone() throws Exception {
        for (String file : new String[] {"org.wsemail.security.cfg", "org.ops4j.pax.web.cfg", "users.properties"}) {
            assertEquals(file, "rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(server.home.resolve("etc").resolve(file))));
        }
    }

    @Test
    public void aMessageToMoreRecipientsThanAllowedIsRefusedAndNothingIsSent() throws Exception {
        List<Address> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(Address.parse("someone" + i + "@b.test"));
        }
        try {
            alice().send(many, "To everyone", "Buy now.");
            fail("sent to 101 recipients");
        } catch (WsemailException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(
                    "the message has 101 recipients; a user may send to at most 100 at once; nothing was sent"));
        }
        assertNothingChanged();
    }

    @Test
    public void plainHttpIsClosedAndAClientTrustsOnlyTheServerOfItsOwnDomain() throws Exception {
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(new java.net.InetSocketAddress(server.ip, server.httpPort), 2000);
            fail("plain HTTP is still open on " + server.httpPort);
        } catch (java.net.ConnectException expected) {
            // closed, as it should be once TLS is up
        }

        WsemailClient eve = new WsemailClient(server.base(), Address.parse("eve@evil.test"), PASSWORD.toCharArray(),
                Set.of(new TrustAnchor(CA.certificate(), null)));
        try {
            eve.inbox(Instant.EPOCH);
            fail("a client of evil.test talked to the server of a.test");
        } catch (WsemailException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("the server's certificate names [a.test], not evil.test"));
        }

        Pki.CertifiedKey otherCa = Pki.createAuthority("Someone else's CA", Duration.ofDays(1));
        WsemailClient trustingAnotherCa = new WsemailClient(server.base(), Address.parse(ALICE), PASSWORD.toCharArray(),
                Set.of(new TrustAnchor(otherCa.certificate(), null)));
        try {
            trustingAnotherCa.inbox(Instant.EPOCH);
            fail("the client accepted a server certificate from a CA it does not trust");
        } catch (WsemailException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("does not lead to a trusted root"));
        }
    }

    private static boolean authorityCreated;

    /** A new certificate for alice from a.test's authority (created on first use), as a PKCS#12 file. */
    private static synchronized Path aliceCertificate(String name) throws Exception {
        if (!authorityCreated) {
            String created = server.shell("wsemail:ca-create");
            assertTrue(created, created.contains("Created O=WSEmail,CN=WSEmail CA for a.test"));
            authorityCreated = true;
        }
        Path p12 = server.home.getParent().resolve(name + ".p12");
        Files.deleteIfExists(p12);
        assertTrue(server.shell("wsemail:cert-issue-user --password-file " + passwordFile("p12-secret-1") + " --out " + p12
                + " " + ALICE)
                .contains("Issued a certificate to alice@a.test in " + p12));
        return p12;
    }

    @Test
    public void aUserLogsInWithTheCertificateHerDomainIssuedUntilItIsRevoked() throws Exception {
        Path root = server.home.getParent();
        Path p12 = aliceCertificate("alice");
        Set<TrustAnchor> trustCa = Set.of(new TrustAnchor(CA.certificate(), null));

        WsemailClient byCertificate = WsemailClient.withCertificate(server.base(), p12, "p12-secret-1".toCharArray(), trustCa);
        assertEquals(Address.parse(ALICE), byCertificate.user());
        assertTrue(byCertificate.inbox(Instant.EPOCH).stream().anyMatch(h -> h.getSubject().equals("Keep me")));
        byCertificate.send(List.of(Address.parse(ALICE)), "Signed in with a certificate", "No password needed.");
        Header arrived = inbox().stream().filter(h -> h.getSubject().equals("Signed in with a certificate")).findFirst()
                .orElseThrow(() -> new AssertionError("the message sent with certificate login did not arrive"));
        assertEquals(ALICE, arrived.getSender());
        alice().delete(List.of(arrived.getId()));

        String cli = wsemail("p12-secret-1", "--certificate", p12.toString(), "inbox");
        assertTrue(cli, cli.startsWith("exit 0\n") && cli.contains("Keep me"));

        // A password request sent to the certificate endpoint proves nothing there.
        SoapRequests certificateEndpoint = new SoapRequests(java.net.URI.create(server.base() + "/client-cert"), server.tls());
        assertTrue(certificateEndpoint.post("listHeaders", listHeaders(new Security(ALICE, PASSWORD))).isFault());

        // A certificate for alice from a CA the server trusts for server signatures, but not her domain's: refused.
        Pki.CertifiedKey impostor = Pki.issueUserCertificate(CA, ALICE, Duration.ofDays(1));
        Path forged = root.resolve("forged.p12");
        Files.write(forged, Pki.keyStoreBytes("p12-secret-1".toCharArray(), ALICE, impostor, CA.certificate()));
        assertCertificateRefused(WsemailClient.withCertificate(server.base(), forged, "p12-secret-1".toCharArray(), trustCa));

        String listed = server.shell("wsemail:cert-list --no-format");
        String row = listed.lines().filter(line -> line.contains("CN=alice@a.test")).findFirst()
                .orElseThrow(() -> new AssertionError("cert-list does not show alice's certificate: " + listed));
        assertTrue(row, row.matches("\\S+\\s+user\\s+.*\\svalid\\s*"));
        String serial = row.trim().split("\\s+")[0];
        assertTrue(server.shell("wsemail:cert-revoke " + serial).contains("Revoked " + serial));
        assertTrue(server.shell("wsemail:cert-list --no-format").lines().anyMatch(l -> l.startsWith(serial) && l.contains("revoked")));
        assertCertificateRefused(byCertificate);
        String refused = wsemail("p12-secret-1", "--certificate", p12.toString(), "inbox");
        assertTrue(refused, refused.startsWith("exit 1\n") && refused.contains("the server refused the certificate"));
        assertNothingChanged();
    }

    /** The distribution's wsemail command against this server, trusting the test CA. */
    private static String wsemail(String password, String... arguments) throws Exception {
        Path caPem = server.home.getParent().resolve("ca.pem");
        Pki.writePem(caPem, CA.certificate());
        List<String> line = new ArrayList<>(List.of(server.home.resolve("bin/wsemail").toString(), "--server",
                server.base().toString(), "--trust", caPem.toString()));
        line.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("WSEMAIL_PASSWORD", password);
        builder.environment().put("WSEMAIL_AGENT", "off");  // each command in its own process: no agent outlives the test
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("wsemail did not finish", process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        return "exit " + process.exitValue() + "\n" + output;
    }

    /**
     * Requests signed with alice's certificate by WSS4J in the test, then changed the way an attacker
     * would: only the untouched one is accepted, and only once.
     */
    @Test
    public void signedRequestsThatWereWrappedTamperedWeakOrReplayedAreRefused() throws Exception {
        Path p12 = aliceCertificate("alice-signing");
        SoapRequests certificateEndpoint = new SoapRequests(java.net.URI.create(server.base() + "/client-cert"), server.tls());

        byte[] genuine = signedRequest(p12, "<m:listHeaders/>", org.apache.wss4j.dom.WSConstants.RSA_SHA256, d -> { });
        Reply accepted = certificateEndpoint.post(SoapRequests.ACTION_BASE + "listHeaders", genuine);
        assertEquals(accepted.toString(), 200, accepted.status());
        assertTrue(accepted.body().contains("Keep me"));
        assertEquals("the same signed request again", SECURITY_FAULT,
                certificateEndpoint.post(SoapRequests.ACTION_BASE + "listHeaders", genuine).faultString());

        String delete = "<m:delete><m:id>" + keptMessageId + "</m:id></m:delete>";
        Map<String, byte[]> attacks = new LinkedHashMap<>();
        attacks.put("body changed after signing", signedRequest(p12, delete, org.apache.wss4j.dom.WSConstants.RSA_SHA256,
                d -> d.getElementsByTagNameNS(SoapRequests.MAIL_NS, "id").item(0).setTextContent("1" + keptMessageId)));
        attacks.put("signed body moved into a header, a new body in its place", signedRequest(p12, "<m:listHeaders/>",
                org.apache.wss4j.dom.WSConstants.RSA_SHA256, d -> {
                    Element body = body(d);
                    Element header = (Element) d.getDocumentElement().getFirstChild();
                    Element wrapper = d.createElementNS("urn:attacker", "a:Wrapper");
                    header.appendChild(wrapper);
                    wrapper.appendChild(body);
                    Element forged = d.createElementNS(SOAP_NS, "soap:Body");
                    forged.appendChild(parseInto(d, delete));
                    d.getDocumentElement().appendChild(forged);
                }));
        attacks.put("second body", signedRequest(p12, "<m:listHeaders/>", org.apache.wss4j.dom.WSConstants.RSA_SHA256, d -> {
            Element second = d.createElementNS(SOAP_NS, "soap:Body");
            second.appendChild(parseInto(d, delete));
            d.getDocumentElement().appendChild(second);
        }));
        attacks.put("duplicated wsu:Id", signedRequest(p12, "<m:listHeaders/>", org.apache.wss4j.dom.WSConstants.RSA_SHA256, d -> {
            Element body = body(d);
            Element decoy = d.createElementNS("urn:attacker", "a:Decoy");
            decoy.setAttributeNS(org.apache.wss4j.dom.WSConstants.WSU_NS, "wsu:Id",
                    body.getAttributeNS(org.apache.wss4j.dom.WSConstants.WSU_NS, "Id"));
            decoy.appendChild(parseInto(d, "<m:listHeaders/>"));
            ((Element) d.getDocumentElement().getFirstChild()).appendChild(decoy);
            body.removeChild(body.getFirstChild());
            body.appendChild(parseInto(d, delete));
        }));
        attacks.put("RSA-SHA1", signedRequest(p12, delete, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", d -> { }));
        for (Map.Entry<String, byte[]> attack : attacks.entrySet()) {
            Reply reply = certificateEndpoint.post(SoapRequests.ACTION_BASE + "delete", attack.getValue());
            assertTrue(attack.getKey() + " was accepted: " + reply, reply.isFault());
        }
        assertNothingChanged();
    }

    private static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";

    private interface Tamper {
        void apply(org.w3c.dom.Document envelope) throws Exception;
    }

    /** A request with {@code body}, its body and timestamp signed with the key in {@code p12}, then tampered with. */
    private static byte[] signedRequest(Path p12, String body, String signatureAlgorithm, Tamper tamper) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        org.w3c.dom.Document envelope = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                SoapRequests.envelope("", body).getBytes(StandardCharsets.UTF_8)));
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, "p12-secret-1".toCharArray());
        }
        org.apache.wss4j.common.crypto.Merlin crypto = new org.apache.wss4j.common.crypto.Merlin();
        crypto.setKeyStore(store);
        org.apache.wss4j.dom.message.WSSecHeader header = new org.apache.wss4j.dom.message.WSSecHeader(envelope);
        header.insertSecurityHeader();
        org.apache.wss4j.dom.message.WSSecTimestamp timestamp = new org.apache.wss4j.dom.message.WSSecTimestamp(header);
        timestamp.setTimeToLive(120);
        timestamp.build();
        org.apache.wss4j.dom.message.WSSecSignature signature = new org.apache.wss4j.dom.message.WSSecSignature(header);
        signature.setUserInfo(store.aliases().nextElement(), "p12-secret-1");
        signature.setKeyIdentifierType(org.apache.wss4j.dom.WSConstants.BST_DIRECT_REFERENCE);
        signature.setSignatureAlgorithm(signatureAlgorithm);
        signature.setDigestAlgo(org.apache.wss4j.dom.WSConstants.SHA256);
        signature.setSigCanonicalization(org.apache.wss4j.dom.WSConstants.C14N_EXCL_OMIT_COMMENTS);
        signature.getParts().add(new org.apache.wss4j.common.WSEncryptionPart("Timestamp", org.apache.wss4j.dom.WSConstants.WSU_NS, ""));
        signature.getParts().add(new org.apache.wss4j.common.WSEncryptionPart("Body", SOAP_NS, ""));
        signature.build(crypto);
        tamper.apply(envelope);
        java.io.StringWriter text = new java.io.StringWriter();
        javax.xml.transform.TransformerFactory.newInstance().newTransformer().transform(
                new javax.xml.transform.dom.DOMSource(envelope), new javax.xml.transform.stream.StreamResult(text));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Element body(org.w3c.dom.Document envelope) {
        return (Element) envelope.getElementsByTagNameNS(SOAP_NS, "Body").item(0);
    }

    private static org.w3c.dom.Node parseInto(org.w3c.dom.Document document, String xml) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        String wrapped = "<w xmlns:m=\"" + SoapRequests.MAIL_NS + "\">" + xml + "</w>";
        Element parsed = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(wrapped.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
        return document.importNode(parsed.getFirstChild(), true);
    }

    private static void assertCertificateRefused(WsemailClient client) {
        try {
            client.inbox(Instant.EPOCH);
            fail("logged in with a certificate that should be refused");
        } catch (WsemailException expected) {
            assertEquals(WsemailException.NOT_AUTHENTICATED, expected.code());
            assertEquals("the server refused the certificate", expected.getMessage());
        }
    }

    /**
     * A server of the right domain, with a good TLS certificate, that answers without signing: the
     * client refuses the answer. The impostor is a stand-in HTTPS server (JDK's), playing a
     * compromised front end or a misconfigured proxy.
     */
    @Test
    public void aClientRefusesAnAnswerItsServerDidNotSign() throws Exception {
        Pki.CertifiedKey impostorKey = Pki.issueServerCertificate(CA, "a.test", Duration.ofDays(1), "127.0.0.5");
        com.sun.net.httpserver.HttpsServer impostor = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress("127.0.0.5", 0), 0);
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(new java.io.ByteArrayInputStream(Pki.keyStoreBytes("x".toCharArray(), "server", impostorKey, CA.certificate())),
                "x".toCharArray());
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        keys.init(store, "x".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        impostor.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        byte[] unsigned = SoapRequests.envelope("", "<m:listHeadersResponse><m:header><m:id>1</m:id><m:sender>boss@a.test</m:sender>"
                + "<m:subject>Wire the money</m:subject><m:timestamp>2026-11-28T12:00:00Z</m:timestamp><m:size>10</m:size>"
                + "</m:header></m:listHeadersResponse>").getBytes(StandardCharsets.UTF_8);
        impostor.createContext("/wsemail/client", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/xml; charset=UTF-8");
            exchange.sendResponseHeaders(200, unsigned.length);
            exchange.getResponseBody().write(unsigned);
            exchange.close();
        });
        impostor.start();
        try {
            WsemailClient client = new WsemailClient(java.net.URI.create("https://127.0.0.5:" + impostor.getAddress().getPort()
                    + "/wsemail"), Address.parse(ALICE), PASSWORD.toCharArray(), Set.of(new TrustAnchor(CA.certificate(), null)));
            client.inbox(Instant.EPOCH);
            fail("the client took an unsigned answer");
        } catch (WsemailException expected) {
            assertEquals("An error was discovered processing the <wsse:Security> header", expected.getMessage());
        } finally {
            impostor.stop(0);
        }
    }

    @Test
    public void withClientCertificatesRequiredOnlyPartiesWithATrustedOneGetIn() throws Exception {
        Pki.CertifiedKey trusted = Pki.issueServerCertificate(CA, "b.test", Duration.ofDays(1));
        Pki.CertifiedKey untrusted = Pki.issueServerCertificate(Pki.createAuthority("Unknown CA", Duration.ofDays(1)), "b.test",
                Duration.ofDays(1));
        // "want": everyone gets in; an untrusted certificate is simply not taken as proof of anything.
        assertTrue(httpsGet(null).startsWith("HTTP/1.1 200"));
        assertTrue(httpsGet(trusted).startsWith("HTTP/1.1 200"));

        server.shell("config:property-set -p org.wsemail.security tls.client.auth need");
        try {
            // While Jetty restarts its connector nobody gets in, so wait for the new one to let the
            // trusted party in and keep the anonymous one out (not merely for the latter).
            awaitHttps("the server to require client certificates", () -> reaches(trusted) && !reaches(null));
            // The connector may be restarted once more as the changed file is read back: each refusal
            // is checked with the server shown to be serving the trusted party right after.
            assertFalse("an untrusted client certificate got in", reaches(untrusted));
            awaitHttps("the trusted party served", () -> reaches(trusted));
            assertFalse("a party without a certificate got in", reaches(null));
            awaitHttps("the trusted party served", () -> reaches(trusted));
        } finally {
            server.shell("config:property-set -p org.wsemail.security tls.client.auth want");
            awaitHttps("the server to take parties without certificates again", () -> reaches(null));
        }
    }

    private static boolean reaches(Pki.CertifiedKey clientKey) {
        try {
            return httpsGet(clientKey).startsWith("HTTP/1.1 200");
        } catch (Exception refused) {
            return false;
        }
    }

    private static void awaitHttps(String what, java.util.function.BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ready.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /** GET of the peer WSDL over TLS, presenting {@code clientKey} (or nothing); the status line. */
    private static String httpsGet(Pki.CertifiedKey clientKey) throws Exception {
        javax.net.ssl.KeyManager[] keys = null;
        if (clientKey != null) {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(new java.io.ByteArrayInputStream(Pki.keyStoreBytes("x".toCharArray(), "client", clientKey)), "x".toCharArray());
            // SunX509 names keys by their store alias ("client"), which the key manager below relies on.
            javax.net.ssl.KeyManagerFactory factory = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
            factory.init(store, "x".toCharArray());
            // Offer the certificate whatever authorities the server names (JSSE would otherwise keep
            // back a certificate from an authority the server does not list, and connect without one).
            javax.net.ssl.X509KeyManager chosen = (javax.net.ssl.X509KeyManager) factory.getKeyManagers()[0];
            keys = new javax.net.ssl.KeyManager[] {new javax.net.ssl.X509ExtendedKeyManager() {
                @Override
                public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
                    return java.util.Arrays.asList(keyType).contains("RSA") ? "client" : null;
                }

                @Override
                public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                    return java.util.Arrays.asList(keyType).contains("RSA") ? "client" : null;
                }

                @Override
                public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                    return new String[] {"client"};
                }

                @Override
                public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                    return null;
                }

                @Override
                public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                    return null;
                }

                @Override
                public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
                    return chosen.getCertificateChain(alias);
                }

                @Override
                public java.security.PrivateKey getPrivateKey(String alias) {
                    return chosen.getPrivateKey(alias);
                }
            }};
        }
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keys, org.wsemail.wire.security.DomainTls.trustManagers(Set.of(new TrustAnchor(CA.certificate(), null))), null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(server.ip, server.tlsPort)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET /wsemail/peer?wsdl HTTP/1.1\r\nHost: " + server.ip + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readNBytes(64), StandardCharsets.US_ASCII);
            if (response.isEmpty()) {
                throw new java.io.IOException("the server closed the connection");
            }
            return response;
        }
    }

    @Test
    public void relayedMailThatIsUnsignedTamperedOrWrappedIsRefusedAndNotStored() throws Exception {
        Pki.CertifiedKey bServer = Pki.issueServerCertificate(CA, "b.test", Duration.ofDays(1));
        MessageCodec codec = new MessageCodec();
        MessageSignatures signatures = new MessageSignatures();
        MailPeer peer = server.peer();

        List<Map.Entry<String, Element>> attacks = new ArrayList<>();
        Element stripped = signedFromB(codec, signatures, bServer, "Stripped");
        stripped.removeChild(stripped.getLastChild());
        attacks.add(Map.entry("the message is not signed", stripped));

        Element tampered = signedFromB(codec, signatures, bServer, "Tampered");
        tampered.getElementsByTagNameNS(SoapRequests.MAIL_NS, "body").item(0).setTextContent("Pay Mallory instead.");
        attacks.add(Map.entry("changed after signing", tampered));

        Element original = signedFromB(codec, signatures, bServer, "Original");
        Element wrapped = signedFromB(codec, signatures, bServer, "Wrapped");
        wrapped.setAttributeNS(null, "Id", original.getAttributeNS(null, "Id"));
        wrapped.removeChild(wrapped.getLastChild());
        wrapped.appendChild(wrapped.getOwnerDocument().importNode(original.getLastChild(), true));
        wrapped.getElementsByTagNameNS(SoapRequests.MAIL_NS, "subject").item(0).setTextContent("Wrapped");
        attacks.add(Map.entry("changed after signing", wrapped));

        for (Map.Entry<String, Element> attack : attacks) {
            SignedMessage message = new SignedMessage();
            message.setAny(attack.getValue());
            try {
                peer.deliver(message, List.of(ALICE));
                fail("accepted: " + attack.getKey());
            } catch (MailFault fault) {
                assertEquals(FaultCodes.SIGNATURE_INVALID, fault.getFaultInfo().getCode());
                assertTrue(fault.getFaultInfo().getMessage(), fault.getFaultInfo().getMessage().contains(attack.getKey()));
            }
        }
        assertNothingChanged();

        SignedMessage genuine = new SignedMessage();
        genuine.setAny(signedFromB(codec, signatures, bServer, "Genuine"));
        peer.deliver(genuine, List.of(ALICE));
        Header arrived = inbox().stream().filter(h -> h.getSubject().equals("Genuine")).findFirst()
                .orElseThrow(() -> new AssertionError("a correctly signed message from b.test was not stored"));
        assertNotNull(arrived);
        alice().delete(List.of(arrived.getId()));
        assertNothingChanged();
    }

    private static Element signedFromB(MessageCodec codec, MessageSignatures signatures, Pki.CertifiedKey bServer, String subject) {
        MailMessage message = MailMessage.builder().messageId(subject.toLowerCase() + "-" + System.nanoTime() + "@b.test")
                .sender(Address.parse("bob@b.test")).recipient(Address.parse(ALICE)).subject(subject).body("Signed by b.test.").build();
        Element element = codec.toElement(message, "m-" + System.nanoTime());
        signatures.sign(element, bServer.keyPair().getPrivate(), List.of(bServer.certificate(), CA.certificate()));
        return element;
    }

}
