trigger CaseCommentCapture on CaseComment(after insert, after update, after delete) {
    new RecordChangeTriggerHandler().run();
}
