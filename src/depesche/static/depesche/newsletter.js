/* Filled in by the modal work; see templates/audience/_modal.html. */
