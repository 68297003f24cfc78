package org.wsemail.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.Test;

/** What counts as an address, and how addresses compare. */
public class AddressTest {

    @Test
    public void theDomainIsCaseInsensitiveAndTheLocalPartIsKeptAsGiven() {
        Address address = Address.parse("Alice.Smith@A.Example");
        assertEquals("Alice.Smith", address.localPart());
        assertEquals("a.example", address.domain());
        assertEquals("Alice.Smith@a.example", address.toString());
        assertEquals(address, Address.parse("Alice.Smith@a.example"));
        assertNotEquals("local parts differ by case", address, Address.parse("alice.smith@a.example"));
        assertEquals(address.hashCode(), Address.of("Alice.Smith", "A.EXAMPLE").hashCode());
    }

    @Test
    public void theLastAtSignSeparatesTheDomainAndNoOtherMayStand() {
        assertRefused("first@second@b.test", "not a valid local part: 'first@second'");
    }

    @Test
    public void textThatIsNotAnAddressIsRefusedWithItsTextNamed() {
        assertRefused("alice", "not a mail address (expected local@domain): 'alice'");
        assertRefused("@a.test", "not a mail address (expected local@domain): '@a.test'");
        assertRefused("alice@", "not a mail address (expected local@domain): 'alice@'");
        assertRefused("al ice@a.test", "not a valid local part: 'al ice'");
        assertRefused("alice<x>@a.test", "not a valid local part: 'alice<x>'");
        assertRefused("alice@a..test", "not a valid domain: 'a..test'");
        assertRefused("alice@.a.test", "not a valid domain: '.a.test'");
        assertRefused("alice@a_b.test", "not a valid domain: 'a_b.test'");
        assertRefused("a".repeat(65) + "@a.test", "not a valid local part: '" + "a".repeat(65) + "'");
        assertRefused("alice@" + "d".repeat(254), "not a valid domain: '" + "d".repeat(254) + "'");
        assertRefused("alice@a.test\r\nBcc: x@y.test", "not a valid local part: 'alice@a.test\r\nBcc: x'");
        assertRefused("alice@a.test\r\n", "not a valid domain: 'a.test\r\n'");
    }

    @Test
    public void aListIsCommaSeparatedAndEmptyForNothing() {
        assertEquals(List.of(Address.parse("a@x.test"), Address.parse("b@y.test")), Address.parseList(" a@x.test, b@y.test "));
        assertEquals(List.of(), Address.parseList(null));
        assertEquals(List.of(), Address.parseList("  "));
        try {
            Address.parseList("a@x.test,,b@y.test");
            fail("an empty entry was accepted");
        } catch (IllegalArgumentException expected) {
            assertEquals("not a mail address (expected local@domain): ''", expected.getMessage());
        }
    }

    private static void assertRefused(String text, String message) {
        try {
            Address.parse(text);
            fail("accepted " + text);
        } catch (IllegalArgumentException expected) {
            assertEquals(message, expected.getMessage());
        }
    }
}
