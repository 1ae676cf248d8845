# expect: safe
VAULT_TOKEN_PATH = "secret/data/billing/api-token"
CLIENT_SECRET_FIELD = "client_secret"
API_KEY_QUERY_PARAM = "api_key"
STRIPE_KEY_EXAMPLE = "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"
ERRORS = {
    "bad_token": "The token you sent has expired.",
    "no_secret": "Client secret is missing from the request.",
}
