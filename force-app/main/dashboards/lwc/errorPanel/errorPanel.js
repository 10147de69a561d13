import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';

export default class ErrorPanel extends LightningElement {
    /** Errors from a wire, an imperative Apex call or LDS. */
    @api errors;
    /** What the user was trying to see or do. */
    @api friendlyMessage = 'Error retrieving data';

    get errorMessages() {
        return reduceErrors(this.errors);
    }
}
