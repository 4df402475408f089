"""The declaration of residence in Japan (§31(5)) by users who existed before their
organization got IMAGE WORKS PRus: `services` (who must declare, recording it) and `views`
(the page and the gate that sends such users to it after signing in)."""
