import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import OverviewDashboard from 'c/overviewDashboard';
import VerdictList from 'c/verdictList';
import VerdictRecord from 'c/verdictRecord';
import PermissionReviewQueue from 'c/permissionReviewQueue';
import IncidentConsole from 'c/incidentConsole';
import DataMap from 'c/dataMap';
import LeakwatchSetup from 'c/leakwatchSetup';

// The pages of the in-org experience, as tabs of a Lightning app.
const PAGES = {
    overview: { label: 'Overview', tag: 'c-overview-dashboard', is: OverviewDashboard },
    verdicts: { label: 'Verdicts', tag: 'c-verdict-list', is: VerdictList },
    reviews: { label: 'Permission reviews', tag: 'c-permission-review-queue', is: PermissionReviewQueue },
    incidents: { label: 'Incidents', tag: 'c-incident-console', is: IncidentConsole },
    datamap: { label: 'Data map', tag: 'c-data-map', is: DataMap },
    setup: { label: 'Leakwatch Setup', tag: 'c-leakwatch-setup', is: LeakwatchSetup },
    verdict: { label: 'Verdict', tag: 'c-verdict-record', is: VerdictRecord, hidden: true }
};

const nav = document.querySelector('#nav');
const main = document.querySelector('#main');
const toasts = document.querySelector('#toasts');

function route() {
    const [name, recordId] = window.location.hash.replace(/^#/, '').split('/');
    const key = PAGES[name] ? name : 'overview';
    const page = PAGES[key];
    for (const item of nav.querySelectorAll('li')) {
        const active = item.dataset.page === (key === 'verdict' ? 'verdicts' : key);
        item.classList.toggle('slds-is-active', active);
        item.querySelector('a').setAttribute('aria-current', active ? 'page' : 'false');
    }
    const element = createElement(page.tag, { is: page.is });
    if (recordId) {
        element.recordId = recordId;
    }
    main.replaceChildren(element);
    document.title = `${page.label} · Leakwatch`;
}

function showToast(event) {
    const { title, message, variant = 'info' } = event.detail;
    const toast = document.createElement('div');
    toast.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
    toast.setAttribute('role', 'status');
    const content = document.createElement('div');
    content.className = 'slds-notify__content';
    const heading = document.createElement('h2');
    heading.className = 'slds-text-heading_small';
    heading.textContent = title;
    const text = document.createElement('p');
    text.textContent = message;
    content.append(heading, text);
    toast.append(content);
    toasts.append(toast);
    setTimeout(() => toast.remove(), 6000);
}

for (const [key, page] of Object.entries(PAGES)) {
    if (page.hidden) {
        continue;
    }
    const item = document.createElement('li');
    item.className = 'slds-context-bar__item';
    item.dataset.page = key;
    const link = document.createElement('a');
    link.className = 'slds-context-bar__label-action';
    link.href = `#${key}`;
    link.textContent = page.label;
    item.append(link);
    nav.append(item);
}
document.addEventListener('lightning__showtoast', showToast);
window.addEventListener('hashchange', route);
route();
