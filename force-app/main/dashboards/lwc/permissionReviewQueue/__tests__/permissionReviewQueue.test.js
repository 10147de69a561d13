import { createElement } from 'lwc';
import PermissionReviewQueue from 'c/permissionReviewQueue';
import getPendingReviews from '@salesforce/apex/PermissionReviewController.getPendingReviews';
import approve from '@salesforce/apex/PermissionReviewController.approve';
import reject from '@salesforce/apex/PermissionReviewController.reject';

// The first review was assigned by someone else; the second by the running user
// (@salesforce/user/Id resolves to 005000000000000AAA in tests).
const mockReviews = require('./data/reviews.json');

jest.mock(
    '@salesforce/apex/PermissionReviewController.getPendingReviews',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/PermissionReviewController.approve', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/PermissionReviewController.reject', () => ({ default: jest.fn() }), { virtual: true });

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

async function renderWithReviews(reviews = mockReviews) {
    const element = createElement('c-permission-review-queue', { is: PermissionReviewQueue });
    document.body.appendChild(element);
    getPendingReviews.emit(reviews);
    await flushPromises();
    return element;
}

function firstReview(element) {
    return element.shadowRoot.querySelector('li.review');
}

async function type(input, value) {
    input.value = value;
    input.dispatchEvent(new CustomEvent('change'));
    await flushPromises();
}

describe('c-permission-review-queue', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows each pending review with its critical permissions and risk reasons', async () => {
        const element = await renderWithReviews();
        const review = firstReview(element);
        expect(review.querySelector('h2').textContent).toBe('Data_Export_Admin for j.doe@acme.example');
        expect(Array.from(review.querySelectorAll('.permissions .slds-badge')).map((badge) => badge.textContent)).toEqual([
            'ModifyAllData',
            'ExportReport'
        ]);
        expect(Array.from(review.querySelectorAll('.reasons li')).map((li) => li.textContent)).toEqual([
            'Grants Modify All Data',
            'Assigned at 02:14'
        ]);
        expect(review.textContent).toContain('Risk 82');
    });

    it('keeps both decisions disabled until a justification is written', async () => {
        const element = await renderWithReviews();
        const review = firstReview(element);
        expect(review.querySelector('.approve').disabled).toBe(true);
        expect(review.querySelector('.reject').disabled).toBe(true);
        await type(review.querySelector('.justification'), 'Quarter-end export, ticket CHG-1042');
        expect(review.querySelector('.approve').disabled).toBe(false);
        expect(review.querySelector('.reject').disabled).toBe(false);
    });

    it('approves with the justification and an expiry date', async () => {
        approve.mockResolvedValue();
        const element = await renderWithReviews();
        const review = firstReview(element);
        await type(review.querySelector('.justification'), '  Quarter-end export, ticket CHG-1042 ');
        await type(review.querySelector('.expires-on'), '2030-01-31');
        review.querySelector('.approve').click();
        await flushPromises();
        expect(approve).toHaveBeenCalledWith({
            reviewId: 'a02000000000001AAA',
            justification: 'Quarter-end export, ticket CHG-1042',
            expiresOn: '2030-01-31'
        });
    });

    it('approves without an end date when none is chosen', async () => {
        approve.mockResolvedValue();
        const element = await renderWithReviews();
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'Permanent role change');
        review.querySelector('.approve').click();
        await flushPromises();
        expect(approve).toHaveBeenCalledWith({ reviewId: 'a02000000000001AAA', justification: 'Permanent role change', expiresOn: null });
    });

    it('rejects with the justification and confirms the revocation', async () => {
        reject.mockResolvedValue();
        const element = await renderWithReviews();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'No business need');
        review.querySelector('.reject').click();
        await flushPromises();
        expect(reject).toHaveBeenCalledWith({ reviewId: 'a02000000000001AAA', justification: 'No business need' });
        expect(toasts[0]).toMatchObject({ variant: 'success', message: 'Access rejected; the assignment is being revoked.' });
    });

    it('shows the server refusal', async () => {
        reject.mockRejectedValue({ body: { message: 'This review was already decided: Approved.' } });
        const element = await renderWithReviews();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        const review = firstReview(element);
        await type(review.querySelector('.justification'), 'No business need');
        review.querySelector('.reject').click();
        await flushPromises();
        expect(toasts[0]).toMatchObject({ variant: 'error', message: 'This review was already decided: Approved.' });
    });

    it('does not let reviewers decide on an assignment they made', async () => {
        const element = await renderWithReviews();
        const own = element.shadowRoot.querySelectorAll('li.review')[1];
        expect(own.querySelector('.four-eyes').textContent.trim()).toBe(
            'You made or received this assignment: another reviewer must decide it.'
        );
        expect(own.querySelector('.approve')).toBeNull();
        expect(own.querySelector('.reject')).toBeNull();
    });

    it('says when the queue is empty', async () => {
        const element = await renderWithReviews([]);
        expect(element.shadowRoot.querySelector('.empty-state').textContent).toBe('No assignments are waiting for review.');
    });

    it('shows the error panel when the queue fails', async () => {
        const element = createElement('c-permission-review-queue', { is: PermissionReviewQueue });
        document.body.appendChild(element);
        getPendingReviews.error();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel').friendlyMessage).toBe('The review queue could not be loaded');
    });

    it('is accessible', async () => {
        const element = await renderWithReviews();
        await expect(element).toBeAccessible();
    });
});
