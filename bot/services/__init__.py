"""The services that are not a capability of their own: users, follows, moderation, owners,
campaigns, news, sharing."""
