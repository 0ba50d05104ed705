"""Operations: training, publishing and the model server, launcher, readiness, the conversation store's retention,
evaluation, benchmark, demo site, terminal chat. May import knowledge, nlu and channels; never content or actions."""
