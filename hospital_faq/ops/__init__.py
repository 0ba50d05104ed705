"""Operations: training, the launcher and readiness check, the conversation store's retention, evaluation,
benchmark, demo site, terminal chat. May import knowledge, nlu and channels; never content or actions."""
