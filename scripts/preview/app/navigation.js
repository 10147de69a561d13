// `lightning/navigation` for the preview: record pages open in the shell's verdict view.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

function urlFor(pageReference) {
    return pageReference.type === 'standard__recordPage' ? `#verdict/${pageReference.attributes.recordId}` : '#overview';
}

export const NavigationMixin = (Base) =>
    class extends Base {
        [Navigate](pageReference) {
            window.location.hash = urlFor(pageReference);
        }

        [GenerateUrl](pageReference) {
            return Promise.resolve(urlFor(pageReference));
        }
    };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
