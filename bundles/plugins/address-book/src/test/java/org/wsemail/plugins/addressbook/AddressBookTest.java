package org.wsemail.plugins.addressbook;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.testing.Configs;
import org.wsemail.testing.RecordingMailContext;

public class AddressBookTest {
    /** Outlives the plug-in instances of a test, as the server's store outlives a restart. */
    private final RecordingMailContext context = new RecordingMailContext("a.test");

    private static AddressBook.Config config(boolean usersMayPublish) {
        return Configs.of(AddressBook.Config.class).with("users_may_publish", usersMayPublish).build();
    }

    private static ProcessingEnvironment user(String address) {
        return ProcessingEnvironment.of(Address.parse(address), AuthenticationMethod.USERNAME_TOKEN, true);
    }

    private static Element request(String name, String... attributes) {
        Element element = PluginXml.answer(name);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            element.setAttribute(attributes[i], attributes[i + 1]);
        }
        return element;
    }

    private static List<String> entries(Element answer) {
        List<String> entries = new ArrayList<>();
        for (Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
            Element entry = (Element) node;
            entries.add(entry.getAttribute("address") + "=" + entry.getAttribute("name"));
        }
        return entries;
    }

    @Test
    public void usersPublishSearchAndWithdrawTheirOwnEntries() throws Exception {
        AddressBook book = new AddressBook(config(true), context);
        book.handle(request("publish", "name", "Anne Able"), user("anne@a.test"));
        book.handle(request("publish", "name", "Alice Liddell"), user("alice@a.test"));

        AddressBook restarted = new AddressBook(config(true), context);
        assertEquals(List.of("alice@a.test=Alice Liddell", "anne@a.test=Anne Able"),
                entries(restarted.handle(request("list"), user("alice@a.test"))));
        assertEquals(List.of("anne@a.test=Anne Able"), entries(restarted.handle(request("search", "query", "ABLE"), user("alice@a.test"))));

        restarted.handle(request("withdraw"), user("anne@a.test"));
        assertEquals(List.of("alice@a.test=Alice Liddell"), entries(restarted.handle(request("list"), user("alice@a.test"))));
    }

    @Test
    public void strangersMayReadButNotWriteAndBadRequestsAreNamed() throws Exception {
        AddressBook book = new AddressBook(config(true), context);
        ProcessingEnvironment stranger = ProcessingEnvironment.of(Address.parse("val@c.test"), AuthenticationMethod.FEDERATED_TOKEN, false);
        assertEquals(List.of(), entries(book.handle(request("list"), stranger)));
        assertFault(book, request("publish", "name", "Val"), stranger, "only users of this domain have an entry here");
        assertFault(book, request("publish", "name", " "), user("anne@a.test"), "give a name of 1 to 200 characters");
        assertFault(new AddressBook(config(false), context), request("publish", "name", "Anne"), user("anne@a.test"),
                "this address book is kept by the administrator");
        assertFault(book, request("erase"), user("anne@a.test"),
                "send <list/>, <search query=\"...\"/>, <publish name=\"...\"/> or <withdraw/>");
    }

    private static void assertFault(AddressBook book, Element request, ProcessingEnvironment env, String message) {
        try {
            book.handle(request, env);
            fail("accepted");
        } catch (ExtensionException expected) {
            assertEquals(message, expected.getMessage());
        }
    }
}
