trigger LeakEventSubscriber on LeakEvent__e(after insert) {
    new LeakEventSubscriberHandler().run();
}
