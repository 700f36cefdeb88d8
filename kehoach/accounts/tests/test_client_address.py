"""The client's address behind a reverse proxy: what the lockout counts (and the audit trail keeps).

Rule: X-Forwarded-For is read only when the connection comes from one of
settings.KEHOACH_TRUSTED_PROXIES; anybody can write that header, so otherwise it is ignored.
"""

from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings
from django.urls import reverse

from kehoach.accounts.security import client_ip
from kehoach.testing import PASSWORD, KehoachTestCase

PROXY = "10.0.0.2"


def address(remote: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


class ClientIpTest(KehoachTestCase):
    @override_settings(KEHOACH_TRUSTED_PROXIES=[])
    def test_it_ignores_x_forwarded_for_without_trusted_proxies(self):
        assert address("203.0.113.7", "198.51.100.9") == "203.0.113.7"

    @override_settings(KEHOACH_TRUSTED_PROXIES=[PROXY])
    def test_it_ignores_x_forwarded_for_from_a_connection_that_is_not_our_proxy(self):
        assert address("203.0.113.7", "198.51.100.9") == "203.0.113.7"

    @override_settings(KEHOACH_TRUSTED_PROXIES=[PROXY])
    def test_it_reads_the_address_our_proxy_saw(self):
        assert address(PROXY, "203.0.113.7") == "203.0.113.7"

    @override_settings(KEHOACH_TRUSTED_PROXIES=[PROXY])
    def test_it_does_not_believe_hops_the_client_wrote_itself(self):
        # The client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended the address it saw.
        assert address(PROXY, "6.6.6.6, 203.0.113.7") == "203.0.113.7"

    @override_settings(KEHOACH_TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"])
    def test_it_walks_back_past_a_chain_of_our_own_proxies(self):
        assert address("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3") == "203.0.113.7"

    @override_settings(KEHOACH_TRUSTED_PROXIES=[PROXY])
    def test_it_understands_ports_and_ipv6(self):
        assert address(PROXY, "203.0.113.7:5678") == "203.0.113.7"
        assert address(PROXY, "[2001:db8::7]:443") == "2001:db8::7"
        assert address(PROXY, "2001:db8::7") == "2001:db8::7"

    @override_settings(KEHOACH_TRUSTED_PROXIES=[PROXY])
    def test_garbage_in_the_header_leaves_the_last_address_that_could_be_checked(self):
        assert address(PROXY, "not-an-address") == PROXY
        assert address(PROXY, "") == PROXY
        assert address(PROXY, "203.0.113.7, <script>") == PROXY


class LockoutAddressTest(KehoachTestCase):
    def fail_sign_in(self, remote: str, forwarded: str):
        return self.client.post(
            reverse("accounts:login"),
            {"username": "tamxuan1", "password": "sai-mat-khau"},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def sign_in(self, remote: str, forwarded: str):
        return self.client.post(
            reverse("accounts:login"),
            {"username": "tamxuan1", "password": PASSWORD},
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    @override_settings(KEHOACH_TRUSTED_PROXIES=[])
    def test_a_forged_x_forwarded_for_does_not_escape_the_lockout(self):
        # An attacker changes the header on every try: the lockout still counts its own address.
        for i in range(5):
            response = self.fail_sign_in("203.0.113.7", f"113.160.0.{i}")
        assert response.status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
        assert self.sign_in("203.0.113.7", "113.161.0.44").status_code == 429

    @override_settings(KEHOACH_TRUSTED_PROXIES=[PROXY])
    def test_behind_our_proxy_the_real_client_is_locked_not_the_proxy(self):
        for _ in range(5):
            response = self.fail_sign_in(PROXY, "6.6.6.6, 203.0.113.7")
        assert response.status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
        # Another person coming through the same proxy still signs in.
        assert self.sign_in(PROXY, "198.51.100.9").status_code == 302
