package org.wsemail.remoteservices.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wsemail.api.plugin.PluginXml;

public class StatedContractTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static URL resource(String name) {
        return StatedContractTest.class.getResource("/contracts/" + name);
    }

    @Test
    public void theServedCopyCarriesThePolicyReferencedFromItsBindingAndTheSchemasBesideIt() throws Exception {
        Element policy = StatedContract.policy(resource("password-policy.xml"));
        Path into = folder.getRoot().toPath().resolve("client");

        URL written = StatedContract.write(resource("greeting.wsdl"), List.of(policy), into);

        assertEquals(into.resolve("greeting.wsdl").toUri().toURL(), written);
        Element definitions;
        try (InputStream in = written.openStream()) {
            definitions = PluginXml.secureDocumentBuilderFactory().newDocumentBuilder().parse(in).getDocumentElement();
        }
        Element stated = null;
        for (org.w3c.dom.Node child = definitions.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && "Policy".equals(element.getLocalName())) {
                assertEquals("one policy, stated once", null, stated);
                stated = element;
            }
        }
        assertEquals(StatedContract.WSP_NS, stated.getNamespaceURI());
        assertEquals("PasswordLogin", stated.getAttributeNS(StatedContract.WSU_NS, "Id"));
        NodeList references = definitions.getElementsByTagNameNS(StatedContract.WSP_NS, "PolicyReference");
        assertEquals(1, references.getLength());
        assertEquals("#PasswordLogin", ((Element) references.item(0)).getAttribute("URI"));
        assertEquals("GreetingBinding", ((Element) references.item(0).getParentNode()).getAttribute("name"));
        assertTrue(Files.readString(into.resolve("types/greeting.xsd")).contains("name=\"greet\""));
        // The original is untouched: another endpoint serving it gets its own copy.
        try (InputStream in = resource("greeting.wsdl").openStream()) {
            assertTrue(!new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains("PolicyReference"));
        }
    }

    @Test
    public void aContractReferringOutsideItsFolderOrAPolicyWithoutAnIdIsRefused() {
        Element policy = StatedContract.policy(resource("password-policy.xml"));
        try {
            StatedContract.write(resource("escaping.wsdl"), List.of(policy), folder.getRoot().toPath());
            fail("a reference outside the contract's folder was followed");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("../outside.xsd"));
        }
        try {
            StatedContract.policy(resource("not-a-policy.xml"));
            fail("a policy without an id was taken");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("wsu:Id"));
        }
    }

    @Test
    public void theIntentsPolicyIsLookedForUnderItsName() {
        assertEquals("policies/wsemail.login.password.xml", StatedContract.policyEntry("wsemail.login.password"));
    }
}
