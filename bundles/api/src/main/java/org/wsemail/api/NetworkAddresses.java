package org.wsemail.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which network addresses are internal: this host, private and link-local ranges, carrier-grade
 * NAT, multicast, the unspecified address. A server must not let what strangers control (a mail
 * domain's SRV records, a notification target a user registers) point it at those, or it could be
 * made to probe the hosts and ports behind its firewall.
 */
public final class NetworkAddresses {
    private NetworkAddresses() {
    }

    /** True if {@code address} is not on the public Internet. */
    public static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT, 100.64.0.0/10
                    || (first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // IETF protocol assignments
                    || first >= 240; // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // unique local, fc00::/7
        }
        return false;
    }
}
